"""Surprise's published MovieLens 100K benchmark, and rerunning its protocol here.

Surprise's README reports the mean RMSE and MAE of each algorithm with its default
parameters over a 5-fold cross-validation of the 100,000 MovieLens 100K ratings:
``KFold(random_state=0)`` folds shared by every algorithm, the stochastic algorithms
seeded with ``random_state=0`` (``examples/benchmark.py``). :func:`published_protocol`
reruns that protocol with ``aftersales.split.kfold`` (Surprise's folds, row for row),
``aftersales.models.make`` and ``aftersales.evaluate.run_experiment``, and sets our
numbers next to the published ones.

Source of :data:`PUBLISHED_SCORES` (table "Movielens 100k", checked against the README at
commit 3136e0a523da169d7e60420045e073bfe46bcefe):
https://github.com/NicolasHug/Surprise/blob/master/README.md#benchmarks ; the script that
makes it: https://github.com/NicolasHug/Surprise/blob/master/examples/benchmark.py .
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.choices import CI_MODELS, PUBLISHED_MODELS
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.evaluate._runner import run_experiment
from aftersales.models import make
from aftersales.split import kfold

PUBLISHED_SOURCE = "https://github.com/NicolasHug/Surprise/blob/master/README.md#benchmarks"
"""Where :data:`PUBLISHED_SCORES` comes from (Surprise's README, "Benchmarks", Movielens 100k)."""

PUBLISHED_SCRIPT = "https://github.com/NicolasHug/Surprise/blob/master/examples/benchmark.py"
"""The script that produced the table (the protocol rerun by :func:`published_protocol`)."""

PUBLISHED_METRICS: tuple[str, ...] = ("rmse", "mae")
"""The published metrics."""


@dataclass(frozen=True)
class PublishedScore:
    """One row of the published table.

    Attributes
    ----------
    rmse, mae : float
        Mean over the five folds, as printed (three decimals).
    label : str
        The row's name in the README.
    """

    rmse: float
    mae: float
    label: str


PUBLISHED_SCORES: Mapping[str, PublishedScore] = MappingProxyType(
    dict(
        zip(
            PUBLISHED_MODELS,  # each name with its scores, in this order
            (
                PublishedScore(0.934, 0.737, "SVD"),
                PublishedScore(0.919, 0.721, "SVD++ (cache_ratings=False)"),
                PublishedScore(0.963, 0.758, "NMF"),
                PublishedScore(0.946, 0.743, "Slope One"),
                PublishedScore(0.980, 0.774, "k-NN"),
                PublishedScore(0.951, 0.749, "Centered k-NN"),
                PublishedScore(0.931, 0.733, "k-NN Baseline"),
                PublishedScore(0.963, 0.753, "Co-Clustering"),
                PublishedScore(0.944, 0.748, "Baseline"),
                PublishedScore(1.518, 1.219, "Random"),
            ),
            strict=True,
        )
    )
)
"""Model name (``aftersales.models.MODEL_NAMES``) -> Surprise's published ml-100k scores."""

PUBLISHED_CI_MODELS: tuple[str, ...] = CI_MODELS
"""The models the test suite checks (SVD++ takes minutes: reported, not tested)."""

PUBLISHED_COLUMNS: tuple[str, ...] = (C.MODEL, C.METRIC, C.OURS, C.PUBLISHED, C.DIFFERENCE)
"""Columns of the frame :func:`published_protocol` returns."""


def published_table() -> pd.DataFrame:
    """Return :data:`PUBLISHED_SCORES` as a tidy frame.

    Returns
    -------
    pandas.DataFrame
        ``C.MODEL``, ``C.METRIC``, ``C.PUBLISHED``: one row per model and metric.
    """
    rows = [
        (model, metric, getattr(score, metric))
        for model, score in PUBLISHED_SCORES.items()
        for metric in PUBLISHED_METRICS
    ]
    return pd.DataFrame(rows, columns=[C.MODEL, C.METRIC, C.PUBLISHED])


def _check_models(models: Sequence[str]) -> list[str]:
    if isinstance(models, str) or not isinstance(models, Sequence) or not models:
        raise ParameterError(
            f"published_protocol: `models` must be a non-empty list of model names; got {models!r}"
        )
    names = list(dict.fromkeys(models))
    unknown = [name for name in names if name not in PUBLISHED_SCORES]
    if unknown:
        raise UnknownNameError(
            f"published_protocol: no published score for {unknown}; "
            f"published models: {', '.join(PUBLISHED_SCORES)}"
        )
    return names


def published_protocol(
    ratings: pd.DataFrame,
    models: Sequence[str],
    *,
    n_splits: int = 5,
    random_state: int = 0,
    progress: bool = True,
) -> pd.DataFrame:
    """Rerun Surprise's benchmark protocol and compare with the published scores.

    The folds are ``aftersales.split.kfold(ratings, n_splits=n_splits,
    seed=random_state)``, i.e. Surprise's ``KFold(n_splits, random_state)`` on the rows in
    frame order; every model keeps its default parameters and is seeded with
    ``random_state`` (as the benchmark script seeds SVD, SVD++, NMF and Co-Clustering), is
    fitted once per fold, and predicts the fold's test rows. The comparison is meaningful
    for the 100,000 raw MovieLens 100K ratings in file order (``datasets.load``), without
    any k-core: that is what ``Dataset.load_builtin("ml-100k")`` reads.

    Parameters
    ----------
    ratings : pandas.DataFrame
        ``C.USER``, ``C.ITEM``, ``C.RATING``, in the order Surprise would read them.
    models : sequence of str
        Keys of :data:`PUBLISHED_SCORES`, in the order reported.
    n_splits : int, default 5
        Number of folds (the benchmark's 5).
    random_state : int, default 0
        Seed of the folds and of every model (the benchmark's 0).
    progress : bool, default True
        Show a progress bar over models x folds.

    Returns
    -------
    pandas.DataFrame
        :data:`PUBLISHED_COLUMNS`: per model and metric (``"rmse"``, ``"mae"``), our mean
        over folds of each fold's score (computed on all its predictions, as
        ``surprise.accuracy`` does), the published value and ours minus published.

    Raises
    ------
    ParameterError
        If ``models`` is empty or not a list, or ``n_splits`` / ``random_state`` is invalid.
    UnknownNameError
        If a model has no published score (the message lists those that do).
    DataValidationError
        If ``ratings`` is malformed.
    """
    names = _check_models(models)
    if isinstance(random_state, bool) or not isinstance(random_state, int | np.integer):
        raise ParameterError(
            f"published_protocol: `random_state` must be an integer; got {random_state!r}"
        )
    folds = list(kfold(ratings, n_splits=n_splits, seed=int(random_state)))
    specs = {name: make(name, seed=int(random_state)) for name in names}
    experiment = run_experiment(
        specs,
        folds,
        metrics=PUBLISHED_METRICS,
        n_resamples=10,  # only the fold means are reported; the intervals are not used
        seed=int(random_state),
        progress=progress,
    )
    ours = (
        experiment.per_fold.groupby([C.MODEL, C.METRIC], sort=False)[C.VALUE]
        .mean()
        .rename(C.OURS)
        .reset_index()
    )
    table = ours.merge(published_table(), on=[C.MODEL, C.METRIC], how="left", validate="1:1")
    table[C.DIFFERENCE] = table[C.OURS] - table[C.PUBLISHED]
    order = {name: position for position, name in enumerate(names)}
    table = table.sort_values(
        [C.MODEL, C.METRIC],
        key=lambda s: s.map(order) if s.name == C.MODEL else s.map(PUBLISHED_METRICS.index),
        kind="stable",
    )
    return table[list(PUBLISHED_COLUMNS)].reset_index(drop=True)
