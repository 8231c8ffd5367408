"""Compare tuned top-N models with Surprise's SVD under one split, and show example lists.

:func:`compare_topn` measures accuracy at several k, catalogue coverage, novelty and fit
time; :func:`examples` draws a few users' lists with their explanations.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import evaluate, validate
from aftersales import split as splitters
from aftersales.errors import DataValidationError, ParameterError
from aftersales.models import make, recommend
from aftersales.random import Seed, rng
from aftersales.topn._base import TopNModel
from aftersales.topn._matrix import value_column
from aftersales.topn._protocols import ISSUE_SVD, REFERENCE_METRICS, ReferenceResult
from aftersales.topn._registry import _lookup
from aftersales.topn._tune import tune

COMPARE_METRICS: tuple[str, ...] = (*REFERENCE_METRICS, "coverage", "novelty")
"""Metrics :func:`compare_topn` reports at every list length."""

SVD_LABEL = "SVD"
"""Label of Surprise's SVD in a comparison."""


@dataclass(frozen=True, eq=False)
class Comparison:
    """What :func:`compare_topn` measured.

    Attributes
    ----------
    summary : pandas.DataFrame
        ``C.MODEL, C.METRIC, C.K, C.MEAN, C.CI_LOW, C.CI_HIGH`` (``run_experiment``'s
        summary: the mean over test users and a bootstrap interval) for every metric of
        :data:`COMPARE_METRICS` at every list length.
    timings : pandas.DataFrame
        ``C.MODEL, C.FIT_TIME, C.RANK_TIME`` in seconds (fit on the whole training data,
        rank for every test user).
    specs : dict of str to tuple
        Label -> ``(model name, parameters)`` the model was fitted with.
    curves : dict of str to pandas.DataFrame
        Label -> validation curve of the tuned models (see :func:`aftersales.topn.tune`).
    """

    summary: pd.DataFrame
    timings: pd.DataFrame
    specs: dict[str, tuple[str, dict[str, Any]]]
    curves: dict[str, pd.DataFrame]

    def table(self, k: int) -> pd.DataFrame:
        """Return one row per model: every metric at ``k`` side by side, then the fit time.

        Parameters
        ----------
        k : int
            A list length the comparison measured.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``C.MODEL`` in run order; columns :data:`COMPARE_METRICS`, then
            ``C.FIT_TIME``.

        Raises
        ------
        ParameterError
            If ``k`` was not measured.
        """
        at = self.summary[self.summary[C.K] == k]
        if at.empty:
            measured = sorted(self.summary[C.K].dropna().unique().tolist())
            raise ParameterError(f"`k`={k!r} was not measured; measured list lengths: {measured}")
        wide = at.pivot(index=C.MODEL, columns=C.METRIC, values=C.MEAN)
        wide = wide.loc[list(dict.fromkeys(at[C.MODEL])), list(COMPARE_METRICS)]
        wide.columns.name = None
        return wide.join(self.timings.set_index(C.MODEL)[C.FIT_TIME])

    def best(self, metric: str = "ndcg", *, k: int) -> str:
        """Return the label of the top-N model (SVD aside) with the largest ``metric`` at ``k``.

        Parameters
        ----------
        metric : str, default "ndcg"
            One of :data:`COMPARE_METRICS`.
        k : int
            A measured list length.

        Returns
        -------
        str
            The label; ties go to the first in run order.

        Raises
        ------
        ParameterError
            If ``metric`` or ``k`` was not measured.
        """
        if metric not in COMPARE_METRICS:
            raise ParameterError(f"`metric` must be one of {COMPARE_METRICS}; got {metric!r}")
        column = self.table(k)[metric].drop(index=SVD_LABEL, errors="ignore")
        return str(column.idxmax())

    def fit(self, label: str, train: pd.DataFrame, *, seed: Seed) -> TopNModel:
        """Refit the top-N model ``label`` with its chosen parameters.

        Parameters
        ----------
        label : str
            A top-N label of the comparison.
        train : pandas.DataFrame
            Training interactions.
        seed : int or numpy.random.Generator
            Model seed.

        Returns
        -------
        TopNModel
            The fitted model.

        Raises
        ------
        ParameterError
            If ``label`` is not a top-N model of the comparison.
        """
        if label not in self.specs:
            raise ParameterError(f"`label` must be one of {list(self.specs)}; got {label!r}")
        name, params = self.specs[label]
        return make(name, params, seed=seed).fit(train)

    def curve_table(self) -> pd.DataFrame:
        """Return the validation curves as one tidy frame.

        Returns
        -------
        pandas.DataFrame
            ``C.MODEL``, ``C.SETTING`` (the grid point as text, e.g.
            ``"neighbors=50, shrinkage=10.0"``), ``C.METRIC, C.K, C.VALUE, C.FIT_TIME,
            C.BEST``; empty when nothing was tuned.
        """
        columns = [C.MODEL, C.SETTING, C.METRIC, C.K, C.VALUE, C.FIT_TIME, C.BEST]
        parts = []
        for label, curve in self.curves.items():  # a handful of models
            keys = [c for c in curve.columns if c not in columns]
            setting = [
                ", ".join(f"{key}={value}" for key, value in zip(keys, point, strict=True))
                for point in curve[keys].itertuples(index=False)
            ]
            parts.append(curve.assign(**{C.MODEL: label, C.SETTING: setting})[columns])
        if not parts:
            return pd.DataFrame({name: [] for name in columns})
        return pd.concat(parts, ignore_index=True)


def _strengths(frame: pd.DataFrame) -> np.ndarray:
    column = value_column(frame)
    return np.ones(len(frame)) if column is None else frame[column].to_numpy(dtype="float64")


def _experiment(
    models: Mapping[str, Any],
    train: pd.DataFrame,
    test: pd.DataFrame,
    *,
    ks: list[int],
    threshold: float | None,
    scale: tuple[float, float] | None,
    n_resamples: int,
    seed: Seed,
) -> evaluate.Experiment:
    return evaluate.run_experiment(
        models,
        (train, test),
        rank_fn=recommend,
        ks=ks,
        threshold=threshold,
        metrics=COMPARE_METRICS,
        rating_scale=scale,
        n_resamples=n_resamples,
        seed=seed,
        progress=False,
    )


def compare_topn(
    train: pd.DataFrame,
    test: pd.DataFrame,
    *,
    models: Sequence[str],
    seed: int,
    grids: Mapping[str, Mapping[str, Sequence[Any]]] | None = None,
    validation: splitters.Split | None = None,
    groups: pd.Series | None = None,
    svd_train: pd.DataFrame | None = None,
    ks: Sequence[int] = (10,),
    k: int = 10,
    metric: str = "ndcg",
    threshold: float | None = None,
    n_resamples: int = 200,
) -> Comparison:
    """Tune, fit and evaluate top-N models (and Surprise's SVD) on one train/test split.

    1. Every model with a grid is tuned with :func:`aftersales.topn.tune` on
       ``validation`` (a ready split of the training data, e.g. the month before the
       test month) or, without it, an item-stratified 0.25 split of ``train``; the test
       set is never seen. A model without a grid keeps its defaults.
    2. ``aftersales.evaluate.run_experiment`` fits each model on ``train`` (strengths:
       ``C.WEIGHT``, else ``C.RATING``, else 1) and ranks ``max(ks)`` unseen items for the
       test users it knows; precision, recall, NDCG, MAP, catalogue coverage and novelty
       are measured at every k in ``ks`` and ``k``.
    3. With ``svd_train`` (ratings of the same training period), Surprise's SVD
       (``make("SVD", seed=seed)``) is fitted on it and ranked the same way, for the
       same test users.

    Parameters
    ----------
    train : pandas.DataFrame
        Implicit training interactions: ``C.USER``, ``C.ITEM`` [, ``C.WEIGHT`` or
        ``C.RATING``]; not modified.
    test : pandas.DataFrame
        Test rows: ``C.USER``, ``C.ITEM`` [, ``C.RATING`` for ``threshold``]; rows of users
        absent from ``train`` are left out.
    models : sequence of str
        Keys of ``TOPN_MODELS`` in report order.
    seed : int
        Seed of the validation split, the models and the bootstrap.
    grids : mapping, optional
        Model name -> parameter grid (see :func:`aftersales.topn.tune`).
    validation : aftersales.split.Split, optional
        A ready validation split of the training data.
    groups : pandas.Series, optional
        User -> group (e.g. country); adds ``"popularity by group"`` (``Popularity``
        with ``group``) after ``"popularity"`` when ``models`` holds it. The label uses
        the Series' name.
    svd_train : pandas.DataFrame, optional
        Training ratings (``C.USER``, ``C.ITEM``, ``C.RATING``) for Surprise's SVD; None
        leaves SVD out.
    ks : sequence of int, default (10,)
        List lengths measured (``k`` is added).
    k : int, default 10
        List length of tuning.
    metric : str, default "ndcg"
        Validation metric of tuning.
    threshold : float, optional
        A test row is relevant when its ``C.RATING >= threshold``; None: every test row.
    n_resamples : int, default 200
        Bootstrap replicates of the intervals.

    Returns
    -------
    Comparison
        Summary, timings, chosen parameters and validation curves.

    Raises
    ------
    UnknownNameError
        If a model name is not registered.
    ParameterError
        If ``models`` is empty or repeats a name, a grid names an unselected model, or a
        list length exceeds the catalogue.
    DataValidationError
        If a frame is malformed or no test user is in ``train``.
    """
    if isinstance(models, str) or not models or len(set(models)) != len(models):
        raise ParameterError(f"`models` must name distinct top-N models; got {models!r}")
    for name in models:
        _lookup(name)
    grids = dict(grids or {})
    extra = sorted(set(grids) - set(models))
    if extra:
        raise ParameterError(f"`grids` names model(s) {extra} that are not in `models` {models}")
    validate.require_columns(train, [C.USER, C.ITEM], source="compare_topn: `train`")
    validate.require_columns(test, [C.USER, C.ITEM], source="compare_topn: `test`")
    lengths = sorted({validate.integer(x, "ks") for x in ks} | {validate.integer(k, "k")})
    n_items = train[C.ITEM].nunique()
    if lengths[-1] > n_items:
        raise ParameterError(
            f"`ks`: list length {lengths[-1]} is larger than the catalogue of {n_items} "
            "training items"
        )
    known = test[test[C.USER].isin(train[C.USER])]
    if known.empty:
        raise DataValidationError("compare_topn: no test user appears in `train`")
    plan: list[tuple[str, str, dict[str, Any]]] = []
    for name in models:  # a handful of models
        plan.append((name, name, {}))
        if name == "popularity" and groups is not None:
            plan.append((f"popularity by {groups.name or 'group'}", name, {"group": groups}))
    specs: dict[str, tuple[str, dict[str, Any]]] = {}
    curves: dict[str, pd.DataFrame] = {}
    for label, name, fixed in plan:  # a handful of models
        params = dict(fixed)
        if grids.get(name):
            params, curves[label] = tune(
                name,
                grids[name],
                validation if validation is not None else train,
                seed=seed,
                metric=metric,
                k=k,
                split_method="item_stratified",
                fixed=fixed,
            )
        specs[label] = (name, params)
    strengths = _strengths(train)
    topn_train = train[[C.USER, C.ITEM]].assign(**{C.RATING: strengths})
    relevance = (
        known[C.RATING].to_numpy(dtype="float64") if C.RATING in known else np.ones(len(known))
    )
    topn_test = known[[C.USER, C.ITEM]].assign(**{C.RATING: relevance})
    scale = (0.0, float(max(strengths.max(), relevance.max(), 1.0)))
    factories = {
        label: functools.partial(make, name, params, seed=seed)
        for label, (name, params) in specs.items()
    }
    options = {"ks": lengths, "threshold": threshold, "n_resamples": n_resamples, "seed": seed}
    runs = [_experiment(factories, topn_train, topn_test, scale=scale, **options)]
    if svd_train is not None:
        validate.require_columns(svd_train, [C.USER, C.ITEM, C.RATING], source="`svd_train`")
        svd = {SVD_LABEL: functools.partial(make, "SVD", seed=seed)}
        ratings = svd_train[[C.USER, C.ITEM, C.RATING]]
        runs.append(_experiment(svd, ratings, topn_test, scale=None, **options))
    summary = pd.concat([run.summary for run in runs], ignore_index=True)
    timings = pd.concat([run.timings for run in runs], ignore_index=True)
    return Comparison(
        summary=summary,
        timings=timings[[C.MODEL, C.FIT_TIME, C.RANK_TIME]],
        specs=specs,
        curves=curves,
    )


def at_k(summary: pd.DataFrame, metrics: Sequence[str] = ("precision", "recall")) -> pd.DataFrame:
    """Return the rows of some metrics at every list length, for metric@k curves.

    Parameters
    ----------
    summary : pandas.DataFrame
        A comparison's summary (``C.MODEL, C.METRIC, C.K, C.MEAN, C.CI_LOW, C.CI_HIGH``).
    metrics : sequence of str, default ("precision", "recall")
        The metrics kept, in this order.

    Returns
    -------
    pandas.DataFrame
        The kept rows sorted by metric (in the given order), model (run order) and k, with
        ``C.K`` as int64.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    validate.require_columns(summary, [C.MODEL, C.METRIC, C.K, C.MEAN], source="`summary`")
    rows = summary[summary[C.METRIC].isin(list(metrics))].astype({C.K: "int64"})
    metric_order = pd.Categorical(rows[C.METRIC], categories=list(metrics), ordered=True)
    model_order = pd.Categorical(
        rows[C.MODEL], categories=list(dict.fromkeys(summary[C.MODEL])), ordered=True
    )
    keys = rows.assign(_m=metric_order.codes, _o=model_order.codes)
    return keys.sort_values(["_m", "_o", C.K], kind="stable").drop(columns=["_m", "_o"])


def reference_table(result: ReferenceResult) -> pd.DataFrame:
    """Return issue #7's comparison: our models, our SVD, the issue's SVD and the target.

    Parameters
    ----------
    result : ReferenceResult
        What :func:`aftersales.topn.reference_protocol` measured.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``C.MODEL``: the rows of ``result.table()``, then ``"SVD (issue #7)"``
        (:data:`aftersales.topn.ISSUE_SVD`) and ``"target"`` (precision 0.41 and NDCG
        0.47, the upper end of the published range; fit under 10 s); columns
        :data:`aftersales.topn.REFERENCE_METRICS`, ``C.FIT_TIME`` (seconds) and
        ``C.ROUTE`` (how each fit was computed, e.g. EASE's ``"woodbury"``).
    """
    ours = result.table()
    issue = pd.DataFrame([dict(ISSUE_SVD)], index=pd.Index(["SVD (issue #7)"], name=C.MODEL))
    target = pd.DataFrame(
        [{"precision": 0.41, "ndcg": 0.47, C.FIT_TIME: 10.0}],
        index=pd.Index(["target"], name=C.MODEL),
    )
    table = pd.concat([ours, issue, target])[[*REFERENCE_METRICS, C.FIT_TIME, C.ROUTE]]
    return table.fillna({C.ROUTE: ""})


@dataclass(frozen=True, eq=False)
class ExampleLists:
    """Example top-k lists of a few test users and why each item is on them.

    Attributes
    ----------
    recommendations : pandas.DataFrame
        ``C.USER, C.RANK, C.ITEM, C.ITEM_NAME, C.SCORE, C.HIT`` (True when the user has
        the item in the test set).
    explanations : pandas.DataFrame
        the model's ``explain`` of every list, one after the other.
    """

    recommendations: pd.DataFrame
    explanations: pd.DataFrame


def examples(
    model: TopNModel,
    test: pd.DataFrame,
    *,
    n_users: int,
    k: int,
    seed: Seed,
    names: Mapping[Any, str] | pd.Series | None = None,
    top: int = 3,
) -> ExampleLists:
    """Recommend ``k`` items to ``n_users`` random test users the model knows, and explain.

    Parameters
    ----------
    model : TopNModel
        A fitted top-N model.
    test : pandas.DataFrame
        Test rows (``C.USER``, ``C.ITEM``); users are drawn among those the model was
        fitted on, in sorted order of a seeded sample.
    n_users : int
        Users drawn (all of them when fewer).
    k : int
        Items per list.
    seed : int or numpy.random.Generator
        Seed of the draw.
    names : mapping or pandas.Series, optional
        Item id -> name.
    top : int, default 3
        Contributors shown per item.

    Returns
    -------
    ExampleLists
    --------
        The lists and their explanations.

    Raises
    ------
    ParameterError
        If ``n_users`` or ``k`` is invalid.
    DataValidationError
        If no test user is known to the model.
    """
    n_users = validate.integer(n_users, "n_users")
    validate.require_columns(test, [C.USER, C.ITEM], source="examples: `test`")
    candidates = pd.Index(test[C.USER].unique()).intersection(model.users_).sort_values()
    if candidates.empty:
        raise DataValidationError("examples: no test user is in the model's fitted data")
    drawn = rng(seed).choice(len(candidates), size=min(n_users, len(candidates)), replace=False)
    users = candidates[np.sort(drawn)]
    recs = model.recommend(users, k)
    lookup = {} if names is None else names
    truth = pd.MultiIndex.from_frame(test[[C.USER, C.ITEM]])
    recs = recs.assign(
        **{
            C.ITEM_NAME: pd.array([lookup.get(i) for i in recs[C.ITEM]], dtype="str"),
            C.HIT: pd.MultiIndex.from_frame(recs[[C.USER, C.ITEM]]).isin(truth),
        }
    )[[C.USER, C.RANK, C.ITEM, C.ITEM_NAME, C.SCORE, C.HIT]]
    parts = [
        model.explain(user, recs.loc[recs[C.USER] == user, C.ITEM].tolist(), top=top, names=names)
        for user in users
    ]
    return ExampleLists(recommendations=recs, explanations=pd.concat(parts, ignore_index=True))
