"""Seeded parameter searches with Surprise's own GridSearchCV and RandomizedSearchCV."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from surprise import AlgoBase, Dataset, Prediction, Reader, Trainset
from surprise.model_selection import GridSearchCV, KFold, RandomizedSearchCV
from surprise.utils import get_rng

from aftersales import columns as C
from aftersales.choices import SEARCH_KINDS
from aftersales.errors import ParameterError
from aftersales.evaluate._search_grid import check_grid, grid_combinations
from aftersales.models import has_pair_scorer, make, predict_pairs
from aftersales.random import Seed, int_seed
from aftersales.validate import non_null, numeric, require_columns, require_rows

SEARCH_METRICS: tuple[str, ...] = ("rmse", "mae")
"""Accuracy measures computed on each test fold (Surprise's ``accuracy`` functions)."""


@dataclass(frozen=True)
class SearchResult:
    """The outcome of :func:`search`.

    Attributes
    ----------
    model : str
        The model searched.
    kind : str
        ``"grid"`` or ``"random"``.
    results : pandas.DataFrame
        One row per combination and metric, in Surprise's order: ``C.COMBINATION`` (its
        position), one column per searched parameter (option parameters flattened as
        ``sim_options.name``), ``C.SETTING`` (the combination as text), ``C.METRIC``,
        ``C.MEAN`` and ``C.STD`` over test folds, ``C.RANK`` (1 is best), ``C.BEST``,
        and the mean ``C.FIT_TIME`` and ``C.PREDICT_TIME`` over folds in seconds.
    best_params : dict
        Metric -> the parameters of the best combination for it.
    cv_results : dict
        Surprise's ``cv_results`` as returned, for cross-checks.
    """

    model: str
    kind: str
    results: pd.DataFrame
    best_params: dict[str, dict[str, Any]] = field(repr=False)
    cv_results: dict[str, Any] = field(repr=False)

    @property
    def parameters(self) -> list[str]:
        """The searched parameter columns of :attr:`results`."""
        fixed = {C.COMBINATION, C.SETTING, C.METRIC, C.MEAN, C.STD, C.RANK, C.BEST}
        return [c for c in self.results.columns if c not in fixed | {C.FIT_TIME, C.PREDICT_TIME}]


class SeededRandomizedSearchCV(RandomizedSearchCV):
    """Surprise's ``RandomizedSearchCV`` whose list-only grids follow ``random_state``.

    When every parameter is given as a list, Surprise draws the combinations with
    ``numpy.random.choice`` (numpy's global generator), ignoring ``random_state``. Here
    they are drawn without replacement from the generator ``random_state`` seeds, so a
    seeded search is reproducible; grids with distributions are sampled as in Surprise.
    """

    @staticmethod
    def _sample_parameters(
        param_distributions: dict[str, Any], n_iter: int, random_state: Any = None
    ) -> list[dict[str, Any]]:
        if any(hasattr(values, "rvs") for values in param_distributions.values()):
            return RandomizedSearchCV._sample_parameters(param_distributions, n_iter, random_state)
        combos = [
            dict(zip(param_distributions, values, strict=True))
            for values in itertools.product(*param_distributions.values())
        ]
        chosen = get_rng(random_state).choice(len(combos), n_iter, replace=False)
        return [combos[position] for position in chosen]


class VectorisedTest:
    """A Surprise algorithm whose ``test`` predicts every pair at once.

    Surprise's searches call ``fit(trainset)`` and ``test(testset)``; ``test`` here gives
    the predictions of ``algo.test`` from ``aftersales.models.predict_pairs`` (equal up to
    float summation order) instead of one ``predict`` call per pair, for the families it
    supports (any other algorithm keeps its own ``test``).

    Parameters
    ----------
    algo : surprise.AlgoBase
        An unfitted algorithm.
    """

    def __init__(self, algo: AlgoBase) -> None:
        self.algo = algo

    def fit(self, trainset: Trainset) -> VectorisedTest:
        """Fit the wrapped algorithm; return ``self``."""
        self.algo.fit(trainset)
        return self

    def test(self, testset: Sequence[tuple[Any, Any, float]], verbose: bool = False) -> list:
        """Return a ``Prediction`` per ``(user, item, rating)`` triple, in order."""
        if not has_pair_scorer(self.algo):
            return self.algo.test(testset, verbose)
        users, items = [row[0] for row in testset], [row[1] for row in testset]
        estimates = predict_pairs(self.algo, users, items).tolist()
        return [Prediction(u, i, r, e, {}) for (u, i, r), e in zip(testset, estimates, strict=True)]


def _build(model: str, seed: int, **params: Any) -> VectorisedTest:
    """Build a seeded, checked model: what Surprise's search calls as ``algo_class(**params)``."""
    return VectorisedTest(make(model, params, seed=seed))


def _flatten(params: Mapping[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, Mapping):
            flat.update({f"{name}.{key}": option for key, option in value.items()})
        else:
            flat[name] = value
    return flat


def surprise_dataset(
    ratings: pd.DataFrame, rating_scale: tuple[float, float] | None = None
) -> Dataset:
    """Hand a ratings frame to Surprise, rows in frame order (as ``load_from_df``).

    Parameters
    ----------
    ratings : pandas.DataFrame
        ``C.USER``, ``C.ITEM`` and numeric ``C.RATING``.
    rating_scale : tuple of float, optional
        Surprise's rating scale; default the smallest and largest rating.

    Returns
    -------
    surprise.Dataset
        The data, for Surprise's cross-validation iterators and searches.

    Raises
    ------
    DataValidationError
        If a column is missing, the frame is empty or a rating is missing.
    """
    require_columns(ratings, [C.USER, C.ITEM, C.RATING], source="search: `ratings`")
    require_rows(ratings, source="search: `ratings`")
    values = numeric(non_null(ratings[C.RATING], source="search: `ratings`"), source="ratings")
    scale = rating_scale or (float(values.min()), float(values.max()))
    return Dataset.load_from_df(ratings[[C.USER, C.ITEM, C.RATING]], Reader(rating_scale=scale))


def search(
    ratings: pd.DataFrame,
    model: str,
    grid: Mapping[str, Any],
    *,
    kind: str = "grid",
    n_iter: int = 10,
    cv: int = 3,
    seed: Seed = 0,
    n_jobs: int = 1,
    rating_scale: tuple[float, float] | None = None,
) -> SearchResult:
    """Search a model's parameters by k-fold cross-validation with Surprise's own tools.

    ``kind="grid"`` runs ``surprise.model_selection.GridSearchCV`` over every
    combination; ``"random"`` runs :class:`SeededRandomizedSearchCV` over ``n_iter``
    combinations drawn without replacement. The folds are
    ``KFold(n_splits=cv, random_state=seed)`` (those of ``aftersales.split.kfold``), each
    model is ``make(model, params, seed=seed)``, and RMSE and MAE are computed on
    every test fold (predictions vectorised by :class:`VectorisedTest`).

    Parameters
    ----------
    ratings : pandas.DataFrame
        ``C.USER``, ``C.ITEM``, ``C.RATING``: the data searched (e.g. the training part of
        a split, so that the test part stays unseen).
    model : str
        A key of ``aftersales.models.MODEL_NAMES``.
    grid : mapping
        Parameter -> list of values (see :func:`check_grid`).
    kind : {"grid", "random"}, default "grid"
        Exhaustive or randomized search.
    n_iter : int, default 10
        Combinations sampled by a randomized search, at most the grid's size.
    cv : int, default 3
        Number of folds (at least 2).
    seed : int or numpy.random.Generator, default 0
        Seed of the folds, of the sampled combinations and of every model.
    n_jobs : int, default 1
        joblib workers (1: no parallelism, deterministic timings).
    rating_scale : tuple of float, optional
        Surprise's rating scale; default the smallest and largest rating.

    Returns
    -------
    SearchResult
        The tidy results, the best parameters per metric and Surprise's ``cv_results``.

    Raises
    ------
    ParameterError
        If ``kind``, ``n_iter``, ``cv`` or ``n_jobs`` is invalid, or the grid is (see
        :func:`check_grid`).
    UnknownNameError
        If the model, a similarity or a baseline method is unknown.
    DataValidationError
        If ``ratings`` is malformed.
    """
    if kind not in SEARCH_KINDS:
        raise ParameterError(f"search: `kind` is {kind!r}; choose one of {list(SEARCH_KINDS)}")
    checked = check_grid(model, grid)
    size = len(grid_combinations(checked))
    for name, value, low in (("cv", cv, 2), ("n_iter", n_iter, 1), ("n_jobs", n_jobs, -1)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
            raise ParameterError(f"search: `{name}` must be an integer >= {low}; got {value!r}")
    if n_jobs == 0:
        raise ParameterError("search: `n_jobs` must not be 0 (1: serial, -1: every core)")
    if kind == "random" and n_iter > size:
        raise ParameterError(
            f"search: `n_iter` is {n_iter} but the grid holds only {size} combination(s); "
            f"sample at most {size}, or use kind='grid'"
        )
    data = surprise_dataset(ratings, rating_scale)
    if cv > len(ratings):
        raise ParameterError(f"search: `cv` must be at most the {len(ratings)} rows; got {cv}")
    random_state = int_seed(seed)
    common = {
        "measures": list(SEARCH_METRICS),
        "cv": KFold(n_splits=int(cv), random_state=random_state, shuffle=True),
        "n_jobs": int(n_jobs),
    }
    factory = functools.partial(_build, model, random_state)
    if kind == "grid":
        searcher = GridSearchCV(factory, checked, **common)
    else:
        searcher = SeededRandomizedSearchCV(
            factory, checked, n_iter=int(n_iter), random_state=random_state, **common
        )
    searcher.fit(data)
    return SearchResult(
        model=model,
        kind=kind,
        results=_tidy(searcher.cv_results),
        best_params={m: dict(p) for m, p in searcher.best_params.items()},
        cv_results=dict(searcher.cv_results),
    )


def _tidy(cv_results: Mapping[str, Any]) -> pd.DataFrame:
    flat = [_flatten(params) for params in cv_results["params"]]
    settings = pd.DataFrame(flat)
    label = [", ".join(f"{k}={v}" for k, v in row.items()) for row in flat]
    frames = []
    for metric in SEARCH_METRICS:  # two metrics
        ranks = np.asarray(cv_results[f"rank_test_{metric}"])
        part = pd.DataFrame(
            {
                C.COMBINATION: np.arange(len(flat)),
                **{name: settings[name].to_numpy() for name in settings.columns},
                C.SETTING: label,
                C.METRIC: metric,
                C.MEAN: np.asarray(cv_results[f"mean_test_{metric}"], dtype="float64"),
                C.STD: np.asarray(cv_results[f"std_test_{metric}"], dtype="float64"),
                C.RANK: ranks.astype("int64"),
                C.BEST: ranks == 1,
                C.FIT_TIME: np.asarray(cv_results["mean_fit_time"], dtype="float64"),
                C.PREDICT_TIME: np.asarray(cv_results["mean_test_time"], dtype="float64"),
            }
        )
        frames.append(part)
    return pd.concat(frames, ignore_index=True)
