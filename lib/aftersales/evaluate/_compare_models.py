"""Rating and ranking-only models compared under one protocol (notebook 04.00)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from aftersales import columns as C
from aftersales.evaluate._runner import Experiment, combine, run_experiment
from aftersales.metrics import BEYOND_METRICS, METRICS, RANKING_METRICS
from aftersales.models import make_models, recommend
from aftersales.random import Seed


def rank_with_fallback(model: Any, users: Sequence[Any], k: int) -> pd.DataFrame:
    """Top-``k`` lists of any fitted model; users it was not fitted on get popular items.

    The declared fallback of every model kind: top-N models, frequently bought together
    and user-based CF rank an unknown user by item popularity on their own; a Surprise
    algorithm is asked to (``unknown_users="popular"``: items by their number of training
    ratings).

    Parameters
    ----------
    model : object
        A fitted model of the registry (``aftersales.models.make``).
    users : sequence
        User ids, no duplicates.
    k : int
        Items per user.

    Returns
    -------
    pandas.DataFrame
        ``C.USER``, ``C.ITEM``, ``C.SCORE``, ``C.RANK``.

    Raises
    ------
    ParameterError, UnknownNameError
        As ``aftersales.models.recommend``.
    """
    return recommend(model, users, k, unknown_users="popular")


def compare_models(
    names: Sequence[str],
    protocol: object,
    *,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    ks: Sequence[int] = (10,),
    threshold: float | None = None,
    n_resamples: int = 1000,
    seed: Seed = 0,
    progress: bool = False,
    rank_unknown: bool = False,
) -> Experiment:
    """Evaluate rating and ranking-only models under one protocol, as one experiment.

    Rating models (Surprise) get every metric; ranking-only models refuse rating
    predictions and get the list metrics only. Both runs use the same seed, so
    ``evaluate.combine`` gives the intervals a joint run would.

    Parameters
    ----------
    names : sequence of str
        Model names from :data:`aftersales.choices.ALL_MODELS`.
    protocol : object
        A split or folds, as ``aftersales.evaluate.run_experiment`` takes.
    params : mapping, optional
        Model name -> parameters.
    ks : sequence of int, default (10,)
        List lengths.
    threshold : float, optional
        Minimum test rating of a relevant item (None: every test row).
    n_resamples : int, default 1000
        Bootstrap replicates.
    seed : int or numpy.random.Generator, default 0
        Seed of the models and of the bootstrap.
    progress : bool, default False
        Show progress bars.
    rank_unknown : bool, default False
        Also rank the test customers absent from training, by each model's declared
        fallback (:func:`rank_with_fallback`: popular items); by default they are left out
        of the list metrics.

    Returns
    -------
    aftersales.Experiment
        The merged experiment (model order as in ``names``).

    Raises
    ------
    UnknownNameError, ParameterError, DataValidationError
        As ``aftersales.models.make_models`` and ``run_experiment``.
    """
    rating, ranking = make_models(names, params, seed=seed)
    options = {
        "rank_fn": rank_with_fallback if rank_unknown else recommend,
        "rank_unknown": rank_unknown,
        "ks": ks,
        "threshold": threshold,
        "n_resamples": n_resamples,
        "seed": seed,
        "progress": progress,
    }
    parts = []
    if rating:
        parts.append(run_experiment(rating, protocol, **options))
    if ranking:
        listed = [*RANKING_METRICS, *BEYOND_METRICS]
        parts.append(run_experiment(ranking, protocol, metrics=listed, **options))
    merged = combine(parts)
    order = {name: position for position, name in enumerate(names)}
    summary = merged.summary
    position = pd.DataFrame(
        {
            "m": summary[C.METRIC].map({n: i for i, n in enumerate(METRICS)}),
            "k": summary[C.K].fillna(0).astype("int64"),
            "o": summary[C.MODEL].map(order),
        }
    ).sort_values(["m", "k", "o"], kind="stable")
    return Experiment(
        per_user=merged.per_user,
        per_fold=merged.per_fold,
        timings=merged.timings,
        summary=summary.loc[position.index].reset_index(drop=True),
    )
