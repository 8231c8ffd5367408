"""Summary of an experiment: the mean over folds and a bootstrap interval per metric."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.metrics import METRICS, MetricResult
from aftersales.random import Seed, rng
from aftersales.stats import percentile_interval, resample_weights


def _mean_statistic(sums: np.ndarray) -> np.ndarray:
    return sums[..., 0] / sums[..., 1]


@dataclass(frozen=True, eq=False)
class Entry:
    """One metric of one model on one fold, with what its bootstrap needs.

    Attributes
    ----------
    model : str
        Model label.
    fold : int
        Fold number.
    result : MetricResult
        The metric's value and per-user values.
    components : numpy.ndarray or None
        ``users x m`` per-user components; None when the metric has no per-user
        decomposition (catalogue coverage), so no interval is given.
    statistic : callable
        Maps summed components ``(..., m)`` to the headline value ``(...)``.
    """

    model: str
    fold: int
    result: MetricResult
    components: np.ndarray | None
    statistic: Callable[[np.ndarray], np.ndarray] = _mean_statistic

    @classmethod
    def of_mean(cls, model: str, fold: int, result: MetricResult) -> Entry:
        """Entry of a metric whose headline value is the mean of its per-user values."""
        if not METRICS[result.name].per_user:
            return cls(model, fold, result, None)
        values = result.per_user.to_numpy(dtype="float64")
        return cls(model, fold, result, np.column_stack([values, np.ones_like(values)]))


class _Weights:
    """Bootstrap weights per (fold, number of users), drawn once and shared.

    Every metric and model evaluated on the same users of a fold is resampled with the
    same draws (common random numbers), and the draws depend only on the seed, the fold
    and the number of users, so adding a model leaves the other intervals unchanged.
    """

    def __init__(self, seed: Seed, n_resamples: int) -> None:
        self.base = int(rng(seed).integers(0, 2**63 - 1))
        self.n_resamples = n_resamples
        self.cache: dict[tuple[int, int], np.ndarray] = {}

    def __call__(self, fold: int, units: int) -> np.ndarray:
        key = (fold, units)
        if key not in self.cache:
            generator = np.random.default_rng(np.random.SeedSequence([self.base, fold, units]))
            self.cache[key] = resample_weights(units, n_resamples=self.n_resamples, seed=generator)
        return self.cache[key]


def summarise(
    entries: Sequence[Entry],
    *,
    model_order: Sequence[str],
    n_resamples: int,
    level: float,
    seed: Seed,
) -> pd.DataFrame:
    """Build the summary frame from the entries of an experiment.

    Parameters
    ----------
    entries : sequence of Entry
        Every (model, fold, metric, k) result.
    model_order : sequence of str
        Model labels in display order.
    n_resamples : int
        Bootstrap replicates.
    level : float
        Confidence level.
    seed : int or numpy.random.Generator
        Seed of the bootstrap.

    Returns
    -------
    pandas.DataFrame
        ``C.MODEL``, ``C.METRIC``, ``C.K`` (nullable integer, missing for rating metrics),
        ``C.MEAN`` (the mean over folds of each fold's headline value), ``C.CI_LOW`` and
        ``C.CI_HIGH`` (NaN for catalogue coverage), sorted by metric, k and model. The
        interval is a percentile bootstrap over users with folds as strata: a replicate
        resamples each fold's users, recomputes each fold's headline value from the
        resampled per-user components and averages over folds.

    Raises
    ------
    ParameterError
        If ``n_resamples`` or ``level`` is out of range.
    """
    weights = _Weights(seed, n_resamples)
    groups: dict[tuple[str, str, int | None], list[Entry]] = {}
    for entry in entries:
        key = (entry.model, entry.result.name, entry.result.k)
        groups.setdefault(key, []).append(entry)
    metric_rank = {name: position for position, name in enumerate(METRICS)}
    model_rank = {name: position for position, name in enumerate(model_order)}
    rows = []
    for (model, metric, k), group in groups.items():  # one per model x metric x k
        mean = float(np.mean([entry.result.value for entry in group]))
        low = high = float("nan")
        if all(entry.components is not None for entry in group):
            replicates = np.zeros(n_resamples)
            for entry in group:  # one per fold
                draws = weights(entry.fold, len(entry.components))
                replicates += entry.statistic(draws @ entry.components)
            low, high = percentile_interval(replicates / len(group), level=level)
        order = (metric_rank[metric], k or 0, model_rank[model])
        rows.append((*order, model, metric, k, mean, low, high))
    rows.sort(key=lambda row: row[:3])
    frame = pd.DataFrame(
        [row[3:] for row in rows], columns=[C.MODEL, C.METRIC, C.K, C.MEAN, C.CI_LOW, C.CI_HIGH]
    )
    return frame.astype({C.MODEL: "str", C.METRIC: "str", C.K: "Int64", C.MEAN: "float64"})
