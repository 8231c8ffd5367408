"""Hyper-parameter choice on a validation split carved from the training data only."""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import split as splitters
from aftersales import validate
from aftersales.errors import DataValidationError, ParameterError
from aftersales.metrics import RANKING_METRICS, ranking_metrics
from aftersales.models import make
from aftersales.random import Seed, rng
from aftersales.topn._registry import _lookup


class Tuned(NamedTuple):
    """The result of :func:`tune`: unpack as ``best_params, curve = tune(...)``.

    Attributes
    ----------
    best_params : dict
        The winning grid combination merged with ``fixed``; pass it to ``aftersales.models.make``.
    curve : pandas.DataFrame
        One row per combination x ranking metric: the grid's parameter columns, then
        ``C.METRIC``, ``C.K``, ``C.VALUE`` (on the validation split), ``C.FIT_TIME``
        (seconds) and ``C.BEST`` (True on the chosen combination's rows).
    """

    best_params: dict[str, Any]
    curve: pd.DataFrame


_CURVE_COLUMNS = (C.METRIC, C.K, C.VALUE, C.FIT_TIME, C.BEST)


def _combinations(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    if not isinstance(grid, Mapping):
        raise ParameterError(
            f"`grid` must map parameter names to sequences of values; got {type(grid).__name__}"
        )
    for key, values in grid.items():
        if isinstance(values, str | bytes) or not isinstance(values, Sequence) or not values:
            raise ParameterError(
                f"`grid[{key!r}]` must be a non-empty sequence of values; got {values!r}"
            )
    clash = sorted(set(grid) & set(_CURVE_COLUMNS))
    if clash:
        raise ParameterError(
            f"`grid`: parameter name(s) {clash} clash with the curve's columns {_CURVE_COLUMNS}"
        )
    keys = list(grid)
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*grid.values())]


def tune(
    model_name: str,
    grid: Mapping[str, Sequence[Any]],
    train: pd.DataFrame | splitters.Split,
    *,
    seed: Seed,
    metric: str = "ndcg",
    k: int = 10,
    test_size: float = 0.25,
    split_method: str = "item_stratified",
    fixed: Mapping[str, Any] | None = None,
) -> Tuned:
    """Choose a model's parameters on a validation split of the training data.

    ``train`` is split again (``split_method``, ``test_size``) unless it is a split
    already; every combination of ``grid`` is fitted on the validation-train part and
    ranks ``k`` unseen items for the validation users it knows, scored against the
    validation-test part (every held-out row relevant). The test set is never touched.
    Refit ``aftersales.models.make(model_name, best_params, seed=...)`` on the whole training data
    afterwards.

    Parameters
    ----------
    model_name : str
        A key of ``TOPN_MODELS``.
    grid : mapping of str to sequence
        Parameter name -> values to try; the combinations are the Cartesian product
        (an empty grid evaluates the defaults once).
    train : pandas.DataFrame or aftersales.split.Split
        Training interactions (``C.USER``, ``C.ITEM`` [, ``C.WEIGHT`` or ``C.RATING``,
        ``C.TIMESTAMP`` for a time split]), not modified; or a ready validation split
        (``train`` and ``test`` frames, e.g. :func:`purchase_time_split` of the training
        lines at an earlier cut-off), used as it is (``test_size`` and ``split_method``
        are then ignored).
    seed : int or numpy.random.Generator
        Seeds the validation split and every model (the same model seed for each
        combination, so they differ only in their parameters).
    metric : str, default "ndcg"
        The ranking metric to maximise (one of ``aftersales.metrics.RANKING_METRICS``);
        ties go to the first combination in grid order.
    k : int, default 10
        List length.
    test_size : float, default 0.25
        Validation share, passed to the splitter.
    split_method : str, default "item_stratified"
        A key of ``aftersales.split.SPLITTERS`` (``"time"`` for chronological data).
    fixed : mapping, optional
        Parameters applied to every combination (e.g. ``{"group": countries}``).

    Returns
    -------
    Tuned
        ``(best_params, curve)``.

    Raises
    ------
    UnknownNameError
        If the model, splitter or metric name is not registered.
    ParameterError
        If the grid, a parameter, ``k``, ``metric`` or ``test_size`` is invalid.
    DataValidationError
        If the validation split leaves no user in both parts.
    """
    _lookup(model_name)
    if metric not in RANKING_METRICS:
        raise ParameterError(f"`metric` must be one of {RANKING_METRICS}; got {metric!r}")
    k = validate.integer(k, "k")
    fixed = dict(fixed or {})
    combos = _combinations(grid)
    for combo in combos:  # fail fast on a bad name or value, before any fit
        make(model_name, {**fixed, **combo}, seed=0)
    generator = rng(seed)
    split_seed, model_seed = (int(x) for x in generator.integers(0, 2**31 - 1, size=2))
    if isinstance(train, splitters.Split):
        parts = train
    else:
        parts = splitters.split(train, split_method, test_size=test_size, seed=split_seed)
    known = pd.Index(parts.train[C.USER].unique())
    users = pd.Index(parts.test[C.USER].unique()).intersection(known)
    if len(users) == 0:
        raise DataValidationError(
            f"tune: the {split_method} validation split of `train` leaves no user in both "
            "parts; use a larger training set or another split_method"
        )
    rows: list[dict[str, Any]] = []
    row_combo: list[int] = []
    scores = []
    for number, combo in enumerate(combos):  # a handful of grid points
        model = make(model_name, {**fixed, **combo}, seed=model_seed)
        start = time.perf_counter()
        model.fit(parts.train)
        fit_time = time.perf_counter() - start
        recs = model.recommend(users, min(k, len(model.items_)), unknown_users="skip")
        results = ranking_metrics(recs, parts.test, ks=k)
        scores.append(results[(metric, k)].value)
        for (name, at), result in results.items():
            row_combo.append(number)
            rows.append(
                {
                    **combo,
                    C.METRIC: name,
                    C.K: at,
                    C.VALUE: result.value,
                    C.FIT_TIME: fit_time,
                }
            )
    best = int(np.argmax(scores))
    curve = pd.DataFrame(rows).assign(**{C.BEST: np.asarray(row_combo) == best})
    return Tuned(best_params={**fixed, **combos[best]}, curve=curve)
