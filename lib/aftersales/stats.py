"""Statistics for comparing models: Holm correction, paired tests and bootstrap intervals."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from aftersales import validate
from aftersales.errors import DataValidationError, ParameterError
from aftersales.random import Seed, rng


def holm(p_values: ArrayLike) -> np.ndarray:
    """Adjust p-values for multiple comparisons with Holm's step-down method.

    With the m p-values sorted ascending, the i-th (1-based) is multiplied by
    ``m - i + 1``; the running maximum keeps the adjusted values in the same order as the
    raw ones, and values are capped at 1. Rejecting where the adjusted value is below
    ``alpha`` controls the family-wise error rate at ``alpha`` (Holm 1979). Missing values
    (NaN) stay missing and do not count in m.

    Parameters
    ----------
    p_values : array-like of float
        Raw p-values in [0, 1], in any order.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values in the input order.

    Raises
    ------
    ParameterError
        If a p-value lies outside [0, 1] or the input is not one-dimensional.
    """
    p = np.asarray(p_values, dtype="float64")
    if p.ndim != 1:
        raise ParameterError(f"`p_values` must be one-dimensional; got shape {p.shape}")
    present = ~np.isnan(p)
    if ((p[present] < 0) | (p[present] > 1)).any():
        raise ParameterError(f"`p_values` must lie in [0, 1]; got {p[present].tolist()}")
    adjusted = np.full_like(p, np.nan)
    index = np.flatnonzero(present)
    order = index[np.argsort(p[index], kind="stable")]
    m = len(order)
    scaled = p[order] * (m - np.arange(m))
    adjusted[order] = np.minimum(np.maximum.accumulate(scaled), 1.0)
    return adjusted


@dataclass(frozen=True)
class PairedTest:
    """Two paired tests of ``x - y`` against a zero mean / zero median difference.

    Attributes
    ----------
    n : int
        Number of pairs.
    mean_difference : float
        Mean of ``x - y``.
    wilcoxon_statistic, wilcoxon_p : float
        Wilcoxon signed-rank statistic and two-sided p-value (zero differences dropped).
    t_statistic, t_p : float
        Paired t statistic and two-sided p-value.
    """

    n: int
    mean_difference: float
    wilcoxon_statistic: float
    wilcoxon_p: float
    t_statistic: float
    t_p: float


def paired_test(x: ArrayLike, y: ArrayLike) -> PairedTest:
    """Run the Wilcoxon signed-rank test and the paired t-test on matched values.

    ``scipy.stats.wilcoxon`` and the one-sample t-test of the differences (the paired
    t-test, ``scipy.stats.ttest_rel``) do the work. Differences smaller than ``1e-12``
    times the largest absolute value count as zero (rounding noise), and two degenerate
    cases are answered directly so that no warning is raised: if every difference is
    zero both p-values are 1, and if every difference is the same non-zero number the
    t statistic is infinite and its p-value 0.

    Parameters
    ----------
    x, y : array-like of float
        Values of two models for the same users, in the same order.

    Returns
    -------
    PairedTest
        Both statistics and two-sided p-values.

    Raises
    ------
    DataValidationError
        If the inputs differ in length, hold a missing value or have fewer than two pairs.
    """
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    if x.shape != y.shape or x.ndim != 1:
        raise DataValidationError(
            f"paired values must be two 1-D arrays of one length; got shapes {x.shape}, {y.shape}"
        )
    if np.isnan(x).any() or np.isnan(y).any():
        raise DataValidationError("paired values must not be missing (NaN)")
    if len(x) < 2:
        raise DataValidationError(f"a paired test needs at least two pairs; got {len(x)}")
    difference = x - y
    # Differences within rounding noise of the values count as ties (zero).
    tolerance = 1e-12 * max(1.0, float(np.abs(x).max()), float(np.abs(y).max()))
    difference[np.abs(difference) <= tolerance] = 0.0
    mean = float(difference.mean())
    if not difference.any():
        return PairedTest(len(x), 0.0, 0.0, 1.0, 0.0, 1.0)
    wilcoxon = stats.wilcoxon(difference)
    if np.ptp(difference) <= tolerance:
        t_statistic, t_p = float(np.sign(mean) * np.inf), 0.0
    else:
        result = stats.ttest_1samp(difference, 0.0)
        t_statistic, t_p = float(result.statistic), float(result.pvalue)
    return PairedTest(
        n=len(x),
        mean_difference=mean,
        wilcoxon_statistic=float(wilcoxon.statistic),
        wilcoxon_p=float(wilcoxon.pvalue),
        t_statistic=t_statistic,
        t_p=t_p,
    )


def resample_weights(units: int, *, n_resamples: int = 1000, seed: Seed) -> np.ndarray:
    """Draw bootstrap weights: how often each unit is drawn in each replicate.

    Row ``b`` holds the multinomial counts of ``units`` draws with replacement, so
    ``weights @ components`` gives the component sums of every replicate at once.

    Parameters
    ----------
    units : int
        Number of units (e.g. users) to resample.
    n_resamples : int, default 1000
        Number of replicates.
    seed : int or numpy.random.Generator
        Seed of the draws.

    Returns
    -------
    numpy.ndarray
        ``n_resamples x units`` float64 counts; each row sums to ``units``.

    Raises
    ------
    ParameterError
        If ``units`` or ``n_resamples`` is not a positive integer.
    """
    validate.positive_int(units, "units")
    validate.positive_int(n_resamples, "n_resamples")
    draws = rng(seed).integers(0, units, size=(n_resamples, units))
    draws += np.arange(n_resamples)[:, None] * units
    counts = np.bincount(draws.ravel(), minlength=n_resamples * units)
    return counts.reshape(n_resamples, units).astype("float64")


def percentile_interval(replicates: ArrayLike, *, level: float = 0.95) -> tuple[float, float]:
    """Return the ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles of the finite replicates.

    Parameters
    ----------
    replicates : array-like of float
        Bootstrap replicates of a statistic.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    tuple of float
        ``(low, high)``; NaN when no replicate is finite.

    Raises
    ------
    ParameterError
        If ``level`` is not in (0, 1).
    """
    if not 0 < level < 1:
        raise ParameterError(f"`level` must be in (0, 1); got {level!r}")
    values = np.asarray(replicates, dtype="float64").ravel()
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return float("nan"), float("nan")
    low, high = np.quantile(finite, [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)


def bootstrap_ci(
    strata: Sequence[ArrayLike],
    statistic: Callable[[np.ndarray], np.ndarray],
    *,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: Seed,
) -> tuple[float, float]:
    """Percentile bootstrap interval of a statistic of per-unit sums, resampling units.

    Each stratum (e.g. a cross-validation fold) is a ``units x m`` array of per-unit
    components (e.g. a user's squared-error sum and prediction count). A replicate draws
    units with replacement within every stratum (see :func:`resample_weights`), sums
    their components, applies ``statistic`` and averages over strata; the interval is
    given by :func:`percentile_interval`. The mean of a per-user metric is the statistic
    ``s[..., 0] / s[..., 1]`` of the components ``[value, 1]``; RMSE is
    ``sqrt(s[..., 0] / s[..., 1])`` of ``[sse, n]``.

    Parameters
    ----------
    strata : sequence of array-like
        One ``units x m`` array per stratum (a 1-D array is one component).
    statistic : callable
        Maps an array of component sums of shape ``(..., m)`` to values of shape ``(...)``.
    n_resamples : int, default 1000
        Number of replicates.
    level : float, default 0.95
        Confidence level.
    seed : int or numpy.random.Generator
        Seed of the resampling.

    Returns
    -------
    tuple of float
        ``(low, high)``; NaN when no replicate is finite.

    Raises
    ------
    ParameterError
        If ``n_resamples`` or ``level`` is out of range, or there is no stratum.
    DataValidationError
        If a stratum has no unit.
    """
    validate.positive_int(n_resamples, "n_resamples")
    if not 0 < level < 1:
        raise ParameterError(f"`level` must be in (0, 1); got {level!r}")
    if len(strata) == 0:
        raise ParameterError("`strata` must hold at least one stratum; got none")
    generator = rng(seed)
    replicates = np.zeros(n_resamples)
    for number, stratum in enumerate(strata):  # a handful of folds
        components = np.asarray(stratum, dtype="float64")
        components = components[:, None] if components.ndim == 1 else components
        if components.shape[0] == 0:
            raise DataValidationError(f"`strata`: stratum {number} has no unit to resample")
        weights = resample_weights(components.shape[0], n_resamples=n_resamples, seed=generator)
        replicates = replicates + statistic(weights @ components)
    return percentile_interval(replicates / len(strata), level=level)


def bootstrap_mean_ci(
    values: ArrayLike, *, n_resamples: int = 1000, level: float = 0.95, seed: Seed
) -> tuple[float, float]:
    """Percentile bootstrap interval of a mean.

    Parameters
    ----------
    values : array-like of float
        The sample (e.g. one metric's per-user values).
    n_resamples : int, default 1000
        Number of replicates.
    level : float, default 0.95
        Confidence level.
    seed : int or numpy.random.Generator
        Seed of the resampling.

    Returns
    -------
    tuple of float
        ``(low, high)``.

    Raises
    ------
    ParameterError
        If ``n_resamples`` or ``level`` is out of range.
    DataValidationError
        If ``values`` is empty.
    """
    values = np.asarray(values, dtype="float64").ravel()
    components = np.column_stack([values, np.ones_like(values)])
    return bootstrap_ci(
        [components],
        lambda sums: sums[..., 0] / sums[..., 1],
        n_resamples=n_resamples,
        level=level,
        seed=seed,
    )


__all__ = [
    "PairedTest",
    "bootstrap_ci",
    "bootstrap_mean_ci",
    "holm",
    "paired_test",
    "percentile_interval",
    "resample_weights",
]
