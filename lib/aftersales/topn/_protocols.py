"""The reference protocol of issue #7: movielens-100k, 75/25 item-stratified, k = 10."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd

from aftersales import columns as C
from aftersales import split as splitters
from aftersales import validate
from aftersales.metrics import ranking_metrics
from aftersales.models import make
from aftersales.random import Seed
from aftersales.topn._matrix import implicit_from_ratings
from aftersales.topn._registry import _lookup
from aftersales.topn._tune import tune

REFERENCE_METRICS: tuple[str, ...] = ("precision", "recall", "ndcg", "map")
"""The metrics the reference protocol reports, at k."""

ISSUE_SVD: Mapping[str, float] = MappingProxyType(
    {"precision": 0.089, "recall": 0.030, "ndcg": 0.094, "map": 0.012}
)
"""Surprise SVD's values at k = 10 as stated in issue #7 (for comparison only)."""

REFERENCE_GRIDS: Mapping[str, Mapping[str, tuple[Any, ...]]] = MappingProxyType(
    {
        "popularity": {},
        "itemknn": {"neighbors": (25, 50, 100, 200, 400), "shrinkage": (0.0, 10.0, 100.0)},
        "ease": {"regularization": (50.0, 100.0, 200.0, 400.0, 800.0, 1600.0, 3200.0)},
        "als": {"factors": (16, 32, 64, 128), "regularization": (1.0, 3.0, 10.0, 30.0)},
        "bpr": {
            "factors": (128,),
            "learning_rate": (0.01,),
            "regularization": (0.01,),
            "iterations": (100, 200),
        },
    }
)
"""Log-spaced grids searched on the validation split (an empty grid: the defaults).

BPR's grid is the narrow end of a wide search (bench/bpr.py, issue #21): 36 points of
factors (64, 128, 256) x learning rate (0.01, 0.05) x regularisation (0.001, 0.01, 0.03)
x epochs (100, 200) on this validation split; 128 factors, rate 0.01, regularisation 0.01
and 200 epochs scored best (NDCG@10 0.251 on validation; the test then gives precision@10
0.391 and NDCG@10 0.444, the reference workbench's 0.389 and 0.445). The grid keeps the
epochs as its one free dimension (100 or 200), so the search stays two fits long.
"""


@dataclass(frozen=True, eq=False)
class ReferenceResult:
    """What :func:`reference_protocol` measured.

    Attributes
    ----------
    metrics : pandas.DataFrame
        ``C.MODEL, C.METRIC, C.K, C.VALUE``: precision, recall, NDCG and MAP at k on the
        test set, one row per model and metric (``"SVD"`` is Surprise's SVD).
    timings : pandas.DataFrame
        ``C.MODEL, C.FIT_TIME, C.RANK_TIME``: seconds to fit on the whole training set
        with the chosen parameters, and to rank for every test user.
    params : dict of str to dict
        The parameters each model was refitted with.
    curves : dict of str to pandas.DataFrame
        Validation curves of the tuned models (see :func:`tune`).
    split : aftersales.split.Split
        The ratings split (train and test keep ``C.RATING``).
    routes : dict of str to str
        Model -> how its final fit was computed (EASE: ``"cholesky"`` or
        ``"woodbury"``; empty for models with one way).
    """

    metrics: pd.DataFrame
    timings: pd.DataFrame
    params: dict[str, dict[str, Any]]
    curves: dict[str, pd.DataFrame]
    split: splitters.Split
    routes: dict[str, str] = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        """Return one row per model: the metrics side by side, then the fit time.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``C.MODEL`` in run order; a column per metric, then
            ``C.FIT_TIME`` (seconds) and ``C.ROUTE`` (how the fit was computed; empty
            for models with one way).
        """
        wide = self.metrics.pivot(index=C.MODEL, columns=C.METRIC, values=C.VALUE)
        order = list(dict.fromkeys(self.metrics[C.MODEL]))
        wide = wide.loc[order, [m for m in REFERENCE_METRICS if m in wide.columns]]
        wide.columns.name = None
        routes = pd.Series([self.routes.get(m, "") for m in order], index=wide.index)
        return wide.join(self.timings.set_index(C.MODEL)[C.FIT_TIME]).assign(**{C.ROUTE: routes})


def _evaluate(recs: pd.DataFrame, test: pd.DataFrame, label: str, k: int) -> list[dict[str, Any]]:
    results = ranking_metrics(recs, test, ks=k, metrics=REFERENCE_METRICS)
    return [
        {C.MODEL: label, C.METRIC: name, C.K: k, C.VALUE: results[(name, k)].value}
        for name in REFERENCE_METRICS
    ]


def _svd(
    train: pd.DataFrame, users: pd.Index, k: int, seed: Seed
) -> tuple[pd.DataFrame, float, float]:
    from surprise import Dataset, Reader

    from aftersales.models import recommend as surprise_recommend

    columns = [C.USER, C.ITEM, C.RATING]
    scale = (float(train[C.RATING].min()), float(train[C.RATING].max()))
    trainset = Dataset.load_from_df(train[columns], Reader(rating_scale=scale))
    algo = make("SVD", seed=seed)
    start = time.perf_counter()
    algo.fit(trainset.build_full_trainset())
    fit_time = time.perf_counter() - start
    start = time.perf_counter()
    recs = surprise_recommend(algo, users.to_numpy(), k)
    return recs, fit_time, time.perf_counter() - start


def reference_protocol(
    ratings: pd.DataFrame | None = None,
    *,
    models: Sequence[str] = ("popularity", "itemknn", "ease", "als", "bpr"),
    grids: Mapping[str, Mapping[str, Sequence[Any]]] | None = None,
    svd: bool = True,
    k: int = 10,
    seed: int = 42,
    metric: str = "ndcg",
) -> ReferenceResult:
    """Run issue #7's reference protocol for top-N models and Surprise's SVD.

    1. ``ratings`` (default ``aftersales.datasets.load("movielens-100k")``: all 100,000
       ratings, no k-core) is split by ``split.item_stratified_split(ratings,
       test_size=0.25, seed=seed)``.
    2. Training ratings become implicit feedback with ``implicit_from_ratings`` (every
       rating an interaction, weight 1).
    3. Each model is tuned with :func:`tune` on an item-stratified 0.25 validation split
       of the training data (seed ``seed``; its grid from ``grids``, default
       :data:`REFERENCE_GRIDS`), refitted on the whole training data with the best
       parameters (model seed ``seed``) and ranks ``k`` unseen items for every test user.
    4. Every test rating is relevant; precision, recall, NDCG and MAP at ``k`` come from
       ``aftersales.metrics``. SVD is ``make("SVD", seed=seed)`` (Surprise's
       ``SVD(random_state=seed)``) fitted on the training ratings and ranked with
       ``aftersales.models.recommend``.

    Parameters
    ----------
    ratings : pandas.DataFrame, optional
        Ratings with ``C.USER``, ``C.ITEM``, ``C.RATING``; default movielens-100k.
    models : sequence of str, default all five
        Keys of ``TOPN_MODELS``, in report order.
    grids : mapping, optional
        Model name -> grid; a model missing from it uses its :data:`REFERENCE_GRIDS`
        grid; an empty grid uses the defaults without tuning.
    svd : bool, default True
        Add Surprise's SVD as the rating-model reference.
    k : int, default 10
        List length.
    seed : int, default 42
        Seed of the split, the validation split and the models.
    metric : str, default "ndcg"
        Validation metric maximised by :func:`tune`.

    Returns
    -------
    ReferenceResult
        Metrics, timings, chosen parameters, validation curves and the split.

    Raises
    ------
    UnknownNameError
        If a model name is not registered.
    ParameterError
        If a grid or ``k`` is invalid.
    DataValidationError
        If ``ratings`` is malformed.
    """
    k = validate.integer(k, "k")
    for name in models:
        _lookup(name)
    grids = {**REFERENCE_GRIDS, **(grids or {})}
    if ratings is None:
        from aftersales import datasets

        ratings = datasets.load("movielens-100k")
    parts = splitters.item_stratified_split(ratings, test_size=0.25, seed=seed)
    train = implicit_from_ratings(parts.train)
    test = parts.test
    users = pd.Index(test[C.USER].unique()).intersection(pd.Index(train[C.USER].unique()))
    rows: list[dict[str, Any]] = []
    timings: list[tuple[str, float, float]] = []
    params: dict[str, dict[str, Any]] = {}
    routes: dict[str, str] = {}
    curves: dict[str, pd.DataFrame] = {}
    for name in models:  # a handful of models
        grid = grids.get(name, {})
        chosen: dict[str, Any] = {}
        if grid:
            chosen, curves[name] = tune(name, grid, train, seed=seed, metric=metric, k=k)
        model = make(name, chosen, seed=seed)
        start = time.perf_counter()
        model.fit(train)
        fit_time = time.perf_counter() - start
        start = time.perf_counter()
        recs = model.recommend(users, k)
        timings.append((name, fit_time, time.perf_counter() - start))
        params[name] = model.params
        routes[name] = model.route_
        rows.extend(_evaluate(recs, test, name, k))
    if svd:
        recs, fit_time, rank_time = _svd(parts.train, users, k, seed)
        timings.append(("SVD", fit_time, rank_time))
        rows.extend(_evaluate(recs, test, "SVD", k))
    return ReferenceResult(
        metrics=pd.DataFrame(rows),
        timings=pd.DataFrame(timings, columns=[C.MODEL, C.FIT_TIME, C.RANK_TIME]),
        params=params,
        curves=curves,
        split=parts,
        routes=routes,
    )
