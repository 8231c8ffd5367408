"""Notebook 02.03's study: tune the blend on validation data, measure every scenario.

Each model is fitted once per training set (warm and cold-customer scenarios of
transactions share one) and evaluated by ``aftersales.evaluate.run_experiment``; in the
cold-item scenario every model ranks the cold items only (the question a campaign for new
products asks: which new products for this customer?).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import evaluate, validate
from aftersales import split as splitters
from aftersales.content._coldstart import SCENARIOS, ColdStart, member, validation_split
from aftersales.errors import ParameterError
from aftersales.metrics import ranking_metrics
from aftersales.models import make, recommend
from aftersales.random import rng
from aftersales.topk import top_k
from aftersales.topn import RanksOnly, value_column

COLD_METRICS: tuple[str, ...] = ("recall", "ndcg")
"""Ranking metrics of the study."""


@dataclass(frozen=True, eq=False)
class ColdStartStudy:
    """What :func:`cold_start_study` measured.

    Attributes
    ----------
    summary : pandas.DataFrame
        ``C.SCENARIO, C.MODEL, C.METRIC, C.K, C.MEAN, C.CI_LOW, C.CI_HIGH``.
    significance : pandas.DataFrame
        ``C.SCENARIO`` and ``aftersales.evaluate.significance``'s columns at list length
        ``k``: every model against the scenario's best, Holm-corrected within scenario,
        metric and test.
    baseline : pandas.DataFrame
        The same columns, every model against ``"popularity"`` (``C.BEST`` names it):
        whether each model beats the popular list, Holm-corrected within scenario,
        metric and test.
    blend : pandas.DataFrame
        The validation curve of the blend weight: ``"weight", C.METRIC, C.K, C.VALUE,
        C.BEST``.
    weight : float
        The chosen blend weight.
    timings : pandas.DataFrame
        ``C.SCENARIO, C.MODEL, C.FIT_TIME`` (seconds; a fit shared by two scenarios is
        listed under the first; the hybrid's is the blend of the fitted parts only).
    """

    summary: pd.DataFrame
    significance: pd.DataFrame
    baseline: pd.DataFrame
    blend: pd.DataFrame
    weight: float
    timings: pd.DataFrame

    def table(self, k: int, metric: str = "ndcg") -> pd.DataFrame:
        """Return ``metric``@``k`` with its interval, one row per model and scenario.

        Parameters
        ----------
        k : int
            A measured list length.
        metric : str, default "ndcg"
            One of :data:`COLD_METRICS`.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``C.MODEL``; columns (scenario, mean / ci_low / ci_high).

        Raises
        ------
        ParameterError
            If ``metric`` or ``k`` was not measured.
        """
        rows = self.summary[(self.summary[C.K] == k) & (self.summary[C.METRIC] == metric)]
        if rows.empty:
            raise ParameterError(f"{metric!r}@{k!r} was not measured")
        wide = rows.pivot(
            index=C.MODEL, columns=C.SCENARIO, values=[C.MEAN, C.CI_LOW, C.CI_HIGH]
        ).swaplevel(axis=1)
        scenarios = [s for s in SCENARIOS if s in set(rows[C.SCENARIO])]
        order = list(dict.fromkeys(rows[C.MODEL]))
        columns = [(s, v) for s in scenarios for v in (C.MEAN, C.CI_LOW, C.CI_HIGH)]
        return wide.loc[order, columns]


class _Fitted(RanksOnly):
    """A fitted model handed to ``run_experiment``, whose ``fit`` keeps the fit it has."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def fit(self, data: Any) -> _Fitted:
        return self

    def recommend(self, users: Any, k: int, **options: Any) -> pd.DataFrame:
        return self.model.recommend(users, k, **options)

    def score_all(self, users: Any, **options: Any) -> Any:
        return self.model.score_all(users, **options)

    @property
    def items_(self) -> pd.Index:
        return self.model.items_


def _rank_among(model: Any, users: Any, k: int, *, candidates: pd.Index, seed: int) -> pd.DataFrame:
    """Rank only ``candidates`` (the cold items) for ``users``: the top-k among them.

    A candidate outside the model's catalogue (popularity and collaborative models never
    saw a cold item) scores 0. Equal scores are ordered by one seeded random permutation
    of the candidates, not by item id (ids often follow popularity or age, which would
    flatter a model that cannot tell the items apart).
    """
    candidates = pd.Index(candidates)[rng(seed).permutation(len(candidates))]
    cols = model.items_.get_indexer(candidates)
    scores = model.score_all(users)
    values = np.zeros((len(scores.users), len(candidates)))
    values[:, cols >= 0] = scores.values[:, cols[cols >= 0]]
    row, col, score, rank = top_k(values, min(k, len(candidates)))
    return pd.DataFrame(
        {
            C.USER: scores.users[row],
            C.ITEM: candidates[col],
            C.SCORE: score.astype(np.float64),
            C.RANK: rank.astype(np.int64),
        }
    )


def tune_blend(
    parts: splitters.Split,
    features: Any,
    *,
    weights: Sequence[float],
    collaborative: str = "itemknn",
    collaborative_params: Mapping[str, Any] | None = None,
    k: int = 10,
    seed: int,
) -> tuple[float, pd.DataFrame]:
    """Choose the hybrid's blend weight on a validation split (one fit, every weight).

    Parameters
    ----------
    parts : aftersales.split.Split
        Validation train and held-out rows, both from the training data.
    features : ContentFeatures
        Item features.
    weights : sequence of float
        Content shares tried, each in [0, 1].
    collaborative : str, default "itemknn"
        The collaborative part.
    collaborative_params : mapping, optional
        Its parameters.
    k : int, default 10
        List length.
    seed : int
        Model seed.

    Returns
    -------
    tuple of (float, pandas.DataFrame)
        The weight with the best NDCG@``k`` (ties: the first), and the curve
        (``"weight", C.METRIC, C.K, C.VALUE, C.BEST`` for every ranking metric).

    Raises
    ------
    ParameterError
        If ``weights`` is empty or a weight is outside [0, 1].
    """
    if not len(weights):
        raise ParameterError("`weights` must list at least one blend weight")
    params = {
        "features": features,
        "collaborative": collaborative,
        "collaborative_params": dict(collaborative_params or {}),
        "weight": weights[0],
    }
    model = make("hybrid", params, seed=seed)
    for weight in weights:  # fail fast, before the fit
        model.reweighted(weight)
    model.fit(parts.train)
    users = pd.Index(parts.test[C.USER].unique()).intersection(model.users_)
    rows, scores = [], []
    for weight in weights:  # a handful of weights, one fit
        recs = model.reweighted(weight).recommend(users, k, unknown_users="skip")
        results = ranking_metrics(recs, parts.test, ks=k)
        scores.append(results[("ndcg", k)].value)
        rows += [
            {"weight": weight, C.METRIC: name, C.K: at, C.VALUE: result.value}
            for (name, at), result in results.items()
        ]
    best = float(weights[int(np.argmax(scores))])
    curve = pd.DataFrame(rows)
    return best, curve.assign(**{C.BEST: curve["weight"] == best})


def _frames(train: pd.DataFrame, test: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    column = value_column(train)
    strengths = train[column].to_numpy(dtype="float64") if column else np.ones(len(train))
    topn_train = train[[C.USER, C.ITEM]].assign(**{C.RATING: strengths})
    known = test[member(test[C.USER], train[C.USER])]
    relevance = (
        known[C.RATING].to_numpy(dtype="float64") if C.RATING in known else np.ones(len(known))
    )
    return topn_train, known[[C.USER, C.ITEM]].assign(**{C.RATING: relevance})


def cold_start_study(
    data: ColdStart,
    features: Any,
    *,
    collaborative: str = "itemknn",
    collaborative_params: Mapping[str, Any] | None = None,
    weights: Sequence[float] = (0.1, 0.3, 0.5, 0.7),
    validation: splitters.Split | None = None,
    cold_share: float = 0.1,
    ks: Sequence[int] = (10,),
    k: int = 10,
    threshold: float | None = None,
    n_resamples: int = 200,
    alpha: float = 0.05,
    seed: int,
) -> ColdStartStudy:
    """Tune the hybrid's blend weight on validation data, then measure every scenario.

    Models: popularity, the collaborative model, ``content`` and ``hybrid`` (the
    collaborative model blended with content at the weight of ``weights`` that maximises
    NDCG@``k`` on ``validation``, or on :func:`validation_split` of the warm training
    data; the test data are never seen). Each scenario runs
    ``aftersales.evaluate.run_experiment`` (seen items excluded, recall and NDCG at ``ks``,
    bootstrap intervals over customers) and ``aftersales.evaluate.significance``. In the
    cold-item scenario the lists hold cold items only; popularity and the collaborative
    model give every cold item the same score 0, so their order (a seeded random
    permutation) is chance: their quality there is the chance level, by construction.

    Parameters
    ----------
    data : ColdStart
        The scenarios (:func:`cold_start_setting`).
    features : ContentFeatures
        Item features covering the cold items.
    collaborative : str, default "itemknn"
        The collaborative model (a top-N name).
    collaborative_params : mapping, optional
        Its parameters (e.g. 02.02's chosen ones).
    weights : sequence of float, default (0.1, 0.3, 0.5, 0.7)
        Blend weights tried, each in [0, 1].
    validation : aftersales.split.Split, optional
        A ready validation split of the warm training data (retail: the month before,
        which holds new products of its own); default :func:`validation_split` of it.
    cold_share : float, default 0.1
        Share of films made cold in the default validation split.
    ks : sequence of int, default (10,)
        List lengths (``k`` is added).
    k : int, default 10
        List length of tuning.
    threshold : float, optional
        Relevance threshold on the test ``C.RATING``.
    n_resamples : int, default 200
        Bootstrap replicates.
    alpha : float, default 0.05
        Family-wise error rate of the significance flags.
    seed : int
        Seed of the models, the validation split and the bootstrap.

    Returns
    -------
    ColdStartStudy
        Summary, significance, blend curve and weight, fit times.

    Raises
    ------
    ParameterError
        If a weight is outside [0, 1] or another option is invalid.
    DataValidationError
        If a scenario's data are malformed.
    """
    given = dict(collaborative_params or {})
    lengths = sorted({validate.integer(x, "ks") for x in ks} | {validate.integer(k, "k")})
    if validation is None:
        validation = validation_split(data.warm_train, cold_share=cold_share, seed=seed)
    weight, blend = tune_blend(
        validation,
        features,
        weights=weights,
        collaborative=collaborative,
        collaborative_params=given,
        k=k,
        seed=seed,
    )
    specs = {
        "popularity": ("popularity", {}),
        collaborative: (collaborative, given),
        "content": ("content", {"features": features}),
        "hybrid": (
            "hybrid",
            {
                "features": features,
                "collaborative": collaborative,
                "collaborative_params": given,
                "weight": weight,
            },
        ),
    }
    fitted: dict[tuple[int, str], Any] = {}
    summaries, tests, baselines, times = [], [], [], []
    for scenario, (train, test) in data.protocols().items():  # three scenarios
        topn_train, topn_test = _frames(train, test)
        for label, (name, params) in specs.items():  # four models
            if (id(train), label) not in fitted:
                start = time.perf_counter()
                model = make(name, params, seed=seed)
                if name == "hybrid":  # both parts are fitted above: blend them, no refit
                    parts = (fitted[id(train), "content"], fitted[id(train), collaborative])
                    fitted[id(train), label] = model.with_parts(*parts)
                else:
                    fitted[id(train), label] = model.fit(topn_train)
                times.append((scenario, label, time.perf_counter() - start))
        models = {label: _Fitted(fitted[id(train), label]) for label in specs}
        rank_fn = (
            functools.partial(_rank_among, candidates=data.cold_items, seed=seed)
            if scenario == "cold items"
            else recommend
        )
        scale = (0.0, float(max(topn_train[C.RATING].max(), topn_test[C.RATING].max(), 1.0)))
        run = evaluate.run_experiment(
            {label: functools.partial(lambda m: m, model) for label, model in models.items()},
            (topn_train, topn_test),
            rank_fn=rank_fn,
            ks=lengths,
            threshold=threshold,
            metrics=COLD_METRICS,
            rating_scale=scale,
            n_resamples=n_resamples,
            seed=seed,
            progress=False,
        )
        summaries.append(run.summary.assign(**{C.SCENARIO: scenario}))
        at_k = run.per_user[run.per_user[C.K] == k]  # the table's list length only
        found = evaluate.significance(at_k, summary=run.summary, alpha=alpha)
        tests.append(found.assign(**{C.SCENARIO: scenario}))
        against = evaluate.significance(at_k, alpha=alpha, reference="popularity")
        baselines.append(against.assign(**{C.SCENARIO: scenario}))

    def first(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[[C.SCENARIO, *[c for c in frame.columns if c != C.SCENARIO]]]

    return ColdStartStudy(
        summary=first(pd.concat(summaries, ignore_index=True)),
        significance=first(pd.concat(tests, ignore_index=True)),
        baseline=first(pd.concat(baselines, ignore_index=True)),
        blend=blend,
        weight=weight,
        timings=pd.DataFrame(times, columns=[C.SCENARIO, C.MODEL, C.FIT_TIME]),
    )
