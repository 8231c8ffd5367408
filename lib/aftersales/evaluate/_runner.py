"""Run several models under one protocol and collect per-user metrics and timings."""

from __future__ import annotations

import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from aftersales import columns as C
from aftersales.errors import ParameterError
from aftersales.evaluate._frames import (
    TIMING_COLUMNS,
    entry_frame,
    per_fold_frame,
    per_user_frame,
)
from aftersales.evaluate._protocol import (
    ModelSpec,
    RankFn,
    as_folds,
    check_models,
    infer_scale,
    instantiate,
    to_surprise,
)
from aftersales.evaluate._sharing import (
    TRAINSETS,
    FitShare,
    fit_key,
    fit_once,
    fold_key,
    with_estimate_settings,
)
from aftersales.evaluate._summary import Entry, summarise
from aftersales.metrics import (
    HEADLINE,
    METRICS,
    RANKING_METRICS,
    RATING_METRICS,
    ItemFeatures,
    MetricResult,
    catalogue_coverage,
    cooccurrence_features,
    intra_list_diversity,
    item_popularity,
    metric_info,
    novelty,
    personalisation,
    predictions_to_frame,
    ranking_metrics,
    rating_components,
    result_from_components,
)
from aftersales.models import has_pair_scorer, predict_pairs
from aftersales.random import Seed
from aftersales.validate import positive_int


@dataclass(frozen=True, eq=False)
class Experiment:
    """The tidy results of :func:`run_experiment`.

    Attributes
    ----------
    per_user : pandas.DataFrame
        ``C.MODEL, C.FOLD, C.USER, C.METRIC, C.K, C.VALUE``: one row per evaluated user of
        each model, fold, metric and k (``C.K`` is missing for rating metrics).
    per_fold : pandas.DataFrame
        ``C.MODEL, C.FOLD, C.METRIC, C.K, C.VALUE, C.N_USERS, C.N_EXCLUDED``: each fold's
        headline value (RMSE over all predictions, as Surprise reports it).
    timings : pandas.DataFrame
        ``C.MODEL, C.FOLD, C.FIT_TIME, C.PREDICT_TIME, C.RANK_TIME`` in seconds
        (``C.PREDICT_TIME`` is NaN when no rating metric is requested, ``C.RANK_TIME``
        without a ``rank_fn``).
    summary : pandas.DataFrame
        ``C.MODEL, C.METRIC, C.K, C.MEAN, C.CI_LOW, C.CI_HIGH``: the mean over folds and a
        percentile bootstrap interval over users (folds are strata); the shape exported
        as ``metrics.csv``.
    """

    per_user: pd.DataFrame
    per_fold: pd.DataFrame
    timings: pd.DataFrame
    summary: pd.DataFrame


def _plan(metrics: Sequence[str] | None, rank_fn: RankFn | None) -> list[str]:
    if metrics is None:
        return list(METRICS) if rank_fn is not None else list(RATING_METRICS)
    if isinstance(metrics, str):
        metrics = [metrics]
    names = list(dict.fromkeys(metrics))
    if not names:
        raise ParameterError("`metrics` must name at least one metric; got none")
    needs_lists = [name for name in names if metric_info(name).kind != "rating"]
    if needs_lists and rank_fn is None:
        raise ParameterError(
            f"`metrics` {needs_lists} are computed on top-k lists; pass `rank_fn` "
            "(e.g. aftersales.models.recommend) or drop them"
        )
    return [name for name in METRICS if name in names]


def _check_ks(ks: int | Sequence[int]) -> list[int]:
    values = [ks] if isinstance(ks, int | np.integer) else list(ks)
    if not values:
        raise ParameterError("`ks` must hold at least one list length; got none")
    return sorted({positive_int(k, "ks") for k in values})


def _list_metrics(
    recs: pd.DataFrame,
    train: pd.DataFrame,
    test: pd.DataFrame,
    *,
    names: list[str],
    ks: list[int],
    threshold: float | None,
    features: ItemFeatures | None,
    catalogue: pd.Index | None = None,
    popularity: tuple[pd.Series, int] | None = None,
) -> list[MetricResult]:
    """Score one model's lists; ``catalogue`` and ``popularity`` come from ``train`` once a fold."""
    ranking = [name for name in names if name in RANKING_METRICS]
    results = []
    if ranking:
        results.extend(
            ranking_metrics(recs, test, ks=ks, threshold=threshold, metrics=ranking).values()
        )
    for k in ks:  # a few list lengths
        if "coverage" in names:
            items = train if catalogue is None else catalogue
            results.append(catalogue_coverage(recs, k=k, catalogue=items))
        if "novelty" in names:
            results.append(novelty(recs, train, k=k, popularity=popularity))
        if "diversity" in names:
            results.append(intra_list_diversity(recs, features, k=k))
        if "personalisation" in names:
            results.append(personalisation(recs, k=k))
    return results


def _is_factory(spec: Any) -> bool:
    return not (hasattr(spec, "fit") and hasattr(spec, "test")) or isinstance(spec, type)


def _fitted(
    algo: Any, trainset: Any, share: FitShare, key: Hashable | None, fold: str | None
) -> tuple[Any, float]:
    """Fit ``algo`` on the fold, or reuse an identical fit (of this fold, or memoised)."""
    found = share.take(key)
    if found is not None:  # same fit as an earlier model of the fold
        return with_estimate_settings(found[0], algo), found[1]
    algo, fit_time = fit_once(algo, trainset, fold)  # or the same model on the same rows before
    share.keep(key, algo, fit_time)
    return algo, fit_time


def _predictions(algo: Any, test: pd.DataFrame, testset: list[tuple]) -> pd.DataFrame:
    """Predict a fold's test rows: vectorised for Surprise's families, else ``algo.test``."""
    if not has_pair_scorer(algo):
        return predictions_to_frame(algo.test(testset))
    users, items = test[C.USER].tolist(), test[C.ITEM].tolist()
    return pd.DataFrame(
        {
            C.USER: users,
            C.ITEM: items,
            C.RATING: test[C.RATING].to_numpy(dtype="float64"),
            C.ESTIMATE: predict_pairs(algo, users, items),
        }
    )


def run_experiment(
    models: Mapping[str, ModelSpec],
    protocol: object,
    *,
    rank_fn: RankFn | None = None,
    ks: int | Sequence[int] = 10,
    threshold: float | None = None,
    metrics: Sequence[str] | None = None,
    item_features: ItemFeatures | None = None,
    rating_scale: tuple[float, float] | None = None,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: Seed = 0,
    progress: bool = True,
    rank_unknown: bool = False,
) -> Experiment:
    """Fit, predict and rank with every model on every fold and collect the metrics.

    For each fold, the training frame is given to Surprise once
    (``Dataset.load_from_df(...).build_full_trainset()``); each model is fitted on it
    (k-NN models that differ only in ``k`` or ``min_k``, which ``fit`` never reads, share
    one fit: each predicts exactly what its own fit would, and reports the shared fit's
    time; seeded factor models fitted on the same rows by an earlier call of the process
    reuse that fit, see ``aftersales.evaluate._sharing``),
    predicts the test rows (rating metrics: ``aftersales.models.predict_pairs`` for
    Surprise's families, the vectorised equal of ``algo.test``; ``algo.test`` for any
    other algorithm) and, when ``rank_fn`` is
    given, ranks ``max(ks)`` items for the test users that appear in training (every test
    user with ``rank_unknown``), scoring the lists against the test rows (ranking metrics)
    and on their own (beyond-accuracy metrics).

    Parameters
    ----------
    models : mapping of str to object
        Labels to unfitted Surprise algorithms (deep-copied for every fold, so the caller's
        object stays unfitted) or zero-argument factories returning one. Seed them
        (``random_state``) for reproducible results.
    protocol : object
        A ``(train, test)`` pair of frames, an object with ``train`` and ``test``
        attributes (``aftersales.split.Split``), or an iterable of those (k folds). Frames
        hold ``C.USER``, ``C.ITEM`` and ``C.RATING``.
    rank_fn : callable, optional
        ``rank_fn(model, users, k)`` returns the top-k frame (``C.USER``, ``C.ITEM``,
        ``C.RANK``) of a fitted model for an array of users, e.g.
        ``aftersales.models.recommend``. Without it only rating metrics are computed.
    ks : int or sequence of int, default 10
        List lengths for ranking and beyond-accuracy metrics.
    threshold : float, optional
        Minimum test rating of a relevant item; None makes every test row relevant.
    metrics : sequence of str, optional
        Names from ``aftersales.metrics.METRICS``; default all rating metrics, plus every
        list metric when ``rank_fn`` is given.
    item_features : ItemFeatures, optional
        Item vectors for intra-list diversity (e.g. ``genre_features``); default the
        co-occurrence of items in each fold's training frame.
    rating_scale : tuple of float, optional
        Surprise's rating scale; default the smallest and largest rating in the folds.
    n_resamples : int, default 1000
        Bootstrap replicates of the summary intervals.
    level : float, default 0.95
        Confidence level of the summary intervals.
    seed : int or numpy.random.Generator, default 0
        Seed of the bootstrap (models are seeded through their own ``random_state``).
    progress : bool, default True
        Show a tqdm progress bar over models x folds.
    rank_unknown : bool, default False
        Also rank the test users absent from a fold's training rows (``rank_fn`` must then
        give them a fallback list, e.g. popular items); by default they are left out.

    Returns
    -------
    Experiment
        Per-user, per-fold, timing and summary frames.

    Raises
    ------
    ParameterError
        If a model specification, ``protocol``, ``ks``, ``metrics``, ``n_resamples`` or
        ``level`` is invalid, or list metrics are requested without ``rank_fn``.
    UnknownNameError
        If a metric name is not registered.
    DataValidationError
        If a fold's frames are malformed, or a metric cannot be computed on a fold (e.g.
        the ranked users have no test item in common).
    """
    models = check_models(models)
    names = _plan(metrics, rank_fn)
    ks = _check_ks(ks)
    folds = as_folds(protocol)
    scale = rating_scale if rating_scale is not None else infer_scale(folds)
    rating = [name for name in names if name in RATING_METRICS]
    listed = [name for name in names if name not in RATING_METRICS]
    entries: list[Entry] = []
    per_user: list[pd.DataFrame] = []
    timings: list[tuple[str, int, float, float, float]] = []
    # callables are factories whose fit cannot be known in advance: never shared
    keys = {label: None if _is_factory(spec) else fit_key(spec) for label, spec in models.items()}
    bar = tqdm(total=len(models) * len(folds), disable=not progress, desc="evaluate")
    for fold, (train, test) in enumerate(folds):  # a handful of folds
        digest = fold_key(train, scale)
        trainset, testset = to_surprise(train, test, scale, TRAINSETS.get(digest))
        TRAINSETS.put(digest, trainset)
        users = pd.Index(test[C.USER].unique())
        if not rank_unknown:
            users = users.intersection(pd.Index(train[C.USER].unique()))
        share = FitShare(list(keys.values()))
        features = item_features
        if "diversity" in listed and features is None:
            features = cooccurrence_features(train)
        # what coverage and novelty read from the training rows: once a fold, not per model and k
        catalogue = pd.Index(train[C.ITEM].unique()) if "coverage" in listed else None
        popularity = item_popularity(train) if "novelty" in listed else None
        for label, spec in models.items():  # a handful of models
            bar.set_postfix_str(f"{label}, fold {fold}")
            algo = instantiate(label, spec)
            fold_digest = None if _is_factory(spec) else digest  # a factory's fit: never reused
            algo, fit_time = _fitted(algo, trainset, share, keys[label], fold_digest)
            fold_entries = []
            predict_time = float("nan")
            if rating:
                start = time.perf_counter()
                predictions = _predictions(algo, test, testset)
                predict_time = time.perf_counter() - start
                components = rating_components(predictions)
                for name in rating:
                    columns, statistic = HEADLINE[name]
                    result = result_from_components(name, components)
                    matrix = components[list(columns)].to_numpy()
                    fold_entries.append(Entry(label, fold, result, matrix, statistic))
            rank_time = float("nan")
            if listed:
                start = time.perf_counter()
                recs = rank_fn(algo, users.to_numpy(), max(ks))
                rank_time = time.perf_counter() - start
                results = _list_metrics(
                    recs,
                    train,
                    test,
                    names=listed,
                    ks=ks,
                    threshold=threshold,
                    features=features,
                    catalogue=catalogue,
                    popularity=popularity,
                )
                fold_entries.extend(Entry.of_mean(label, fold, result) for result in results)
            entries.extend(fold_entries)
            per_user.extend(entry_frame(entry) for entry in fold_entries)
            timings.append((label, fold, fit_time, predict_time, rank_time))
            bar.update()
    bar.close()
    return Experiment(
        per_user=per_user_frame(per_user),
        per_fold=per_fold_frame(entries),
        timings=pd.DataFrame(timings, columns=list(TIMING_COLUMNS)),
        summary=summarise(
            entries, model_order=list(models), n_resamples=n_resamples, level=level, seed=seed
        ),
    )


def combine(experiments: Sequence[Experiment]) -> Experiment:
    """Merge experiments run under the same protocol into one, as if run together.

    Ranking-only models (``aftersales.topn``) refuse rating predictions, so they are run
    with list metrics only, apart from the rating models; this joins the two results. The
    summary intervals equal those of a joint run when every part used the same ``seed``
    and ``level``: bootstrap draws depend only on the seed, the fold and the number of
    users (see ``run_experiment``).

    Parameters
    ----------
    experiments : sequence of Experiment
        Results over the same folds, with distinct model labels.

    Returns
    -------
    Experiment
        Frames concatenated; the summary sorted by metric, k and model (in the order the
        models appear across ``experiments``).

    Raises
    ------
    ParameterError
        If ``experiments`` is empty, holds something else, or two share a model label.
    """
    parts = list(experiments)
    if not parts or not all(isinstance(part, Experiment) for part in parts):
        raise ParameterError(
            f"`experiments` must be a non-empty sequence of Experiment; got {experiments!r}"
        )
    labels = [list(dict.fromkeys(part.timings[C.MODEL])) for part in parts]
    flat = [label for part in labels for label in part]
    repeated = sorted({label for label in flat if flat.count(label) > 1})
    if repeated:
        raise ParameterError(f"`experiments`: model label(s) {repeated} appear in more than one")
    summary = pd.concat([part.summary for part in parts], ignore_index=True)
    metric_rank = summary[C.METRIC].map({name: rank for rank, name in enumerate(METRICS)})
    model_rank = summary[C.MODEL].map({name: rank for rank, name in enumerate(flat)})
    order = pd.DataFrame(
        {"m": metric_rank, "k": summary[C.K].fillna(0).astype("int64"), "o": model_rank}
    ).sort_values(["m", "k", "o"], kind="stable")
    return Experiment(
        per_user=pd.concat([part.per_user for part in parts], ignore_index=True),
        per_fold=pd.concat([part.per_fold for part in parts], ignore_index=True),
        timings=pd.concat([part.timings for part in parts], ignore_index=True),
        summary=summary.loc[order.index].reset_index(drop=True),
    )
