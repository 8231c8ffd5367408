"""Rating metrics (RMSE, MAE, FCP) on a predictions frame, equal to ``surprise.accuracy``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.errors import DataValidationError, ParameterError
from aftersales.metrics._base import MetricResult, metric_info, per_user_series
from aftersales.validate import non_null, numeric, require_columns, require_rows

RATING_METRICS: tuple[str, ...] = ("rmse", "mae", "fcp")
"""Names of the rating metrics, in display order."""

_PAIRS_PER_BATCH = 4_000_000
"""Upper bound on the rating pairs held in memory at once when counting FCP pairs."""

# Per-user sufficient statistics from which every rating metric is computed.
N, SSE, SAE, NC, ND, HAS_NC, HAS_ND = "n", "sse", "sae", "nc", "nd", "has_nc", "has_nd"
COMPONENTS: tuple[str, ...] = (N, SSE, SAE, NC, ND, HAS_NC, HAS_ND)


def predictions_to_frame(predictions: Iterable[Any]) -> pd.DataFrame:
    """Convert Surprise predictions to a predictions frame.

    Parameters
    ----------
    predictions : iterable of surprise.Prediction
        As returned by ``algo.test(testset)``: tuples ``(uid, iid, r_ui, est, details)``.

    Returns
    -------
    pandas.DataFrame
        ``C.USER``, ``C.ITEM``, ``C.RATING`` (the true rating, float64) and ``C.ESTIMATE``
        (float64), one row per prediction in input order; empty (with these columns)
        when there are no predictions.
    """
    frame = pd.DataFrame.from_records(
        list(predictions), columns=[C.USER, C.ITEM, C.RATING, C.ESTIMATE, "details"]
    )
    return frame.drop(columns="details").astype({C.RATING: "float64", C.ESTIMATE: "float64"})


def _check_predictions(
    frame: pd.DataFrame,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Index]:
    source = "`predictions`"
    require_columns(frame, [C.USER, C.ITEM, C.RATING, C.ESTIMATE], source=source)
    require_rows(frame, source=source)
    truth = numeric(non_null(frame[C.RATING], source=source), source=source).to_numpy()
    estimate = numeric(non_null(frame[C.ESTIMATE], source=source), source=source).to_numpy()
    non_null(frame[C.USER], source=source)
    codes, users = pd.factorize(frame[C.USER], sort=True)
    return codes, truth, estimate, pd.Index(users)


def _pair_counts(
    codes: np.ndarray, truth: np.ndarray, estimate: np.ndarray, n_users: int
) -> tuple[np.ndarray, np.ndarray]:
    """Count each user's concordant and discordant pairs (Koren and Sill; Surprise's rules).

    A pair of one user's predictions with different true ratings is concordant when the
    higher-rated item has the strictly higher estimate, and discordant otherwise (a tie in
    the estimates counts as discordant, as in ``surprise.accuracy.fcp``). Pairs are built
    within users, a batch of users at a time, with ``np.repeat`` arithmetic.
    """
    order = np.argsort(codes, kind="stable")
    codes, truth, estimate = codes[order], truth[order], estimate[order]
    sizes = np.bincount(codes, minlength=n_users)
    ends = np.cumsum(sizes)
    # For each element, the number of later elements of its own user.
    later = ends[codes] - np.arange(len(codes)) - 1
    pairs_before = np.concatenate([[0], np.cumsum(later)])
    nc = np.zeros(n_users)
    nd = np.zeros(n_users)
    start = 0
    while start < len(codes):
        # Extend the batch element by element until it holds about _PAIRS_PER_BATCH pairs.
        stop = int(np.searchsorted(pairs_before, pairs_before[start] + _PAIRS_PER_BATCH, "right"))
        stop = min(max(stop - 1, start + 1), len(codes))
        counts = later[start:stop]
        left = np.repeat(np.arange(start, stop), counts)
        block_start = np.repeat(np.cumsum(counts) - counts, counts)
        right = left + 1 + (np.arange(len(left)) - block_start)
        rating_sign = np.sign(truth[left] - truth[right])
        estimate_sign = np.sign(estimate[left] - estimate[right])
        ordered = rating_sign != 0
        concordant = ordered & (estimate_sign == rating_sign)
        nc += np.bincount(codes[left], weights=concordant, minlength=n_users)
        nd += np.bincount(codes[left], weights=ordered & ~concordant, minlength=n_users)
        start = stop
    return nc, nd


def rating_components(frame: pd.DataFrame) -> pd.DataFrame:
    """Per-user sufficient statistics of the rating metrics.

    Parameters
    ----------
    frame : pandas.DataFrame
        Predictions: ``C.USER``, ``C.ITEM``, ``C.RATING`` (truth) and ``C.ESTIMATE``.

    Returns
    -------
    pandas.DataFrame
        Indexed by user (sorted): ``n`` predictions, ``sse`` sum of squared errors, ``sae``
        sum of absolute errors, ``nc`` / ``nd`` concordant / discordant pairs and the
        indicators ``has_nc`` / ``has_nd`` (``nc > 0`` / ``nd > 0``) that FCP needs.

    Raises
    ------
    DataValidationError
        If a column is missing, the frame is empty, or a rating or estimate is missing or
        not numeric.
    """
    codes, truth, estimate, users = _check_predictions(frame)
    n_users = len(users)
    error = estimate - truth
    nc, nd = _pair_counts(codes, truth, estimate, n_users)
    return pd.DataFrame(
        {
            N: np.bincount(codes, minlength=n_users).astype("float64"),
            SSE: np.bincount(codes, weights=error**2, minlength=n_users),
            SAE: np.bincount(codes, weights=np.abs(error), minlength=n_users),
            NC: nc,
            ND: nd,
            HAS_NC: (nc > 0).astype("float64"),
            HAS_ND: (nd > 0).astype("float64"),
        },
        index=users.rename(C.USER),
    )


def _fcp_from_sums(sums: np.ndarray) -> np.ndarray:
    # Surprise averages nc over users with nc > 0 and nd over users with nd > 0.
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_nc = np.where(sums[..., 2] > 0, sums[..., 0] / sums[..., 2], 0.0)
        mean_nd = np.where(sums[..., 3] > 0, sums[..., 1] / sums[..., 3], 0.0)
        return mean_nc / (mean_nc + mean_nd)


HEADLINE: dict[str, tuple[tuple[str, ...], Callable[[np.ndarray], np.ndarray]]] = {
    "rmse": ((SSE, N), lambda s: np.sqrt(s[..., 0] / s[..., 1])),
    "mae": ((SAE, N), lambda s: s[..., 0] / s[..., 1]),
    "fcp": ((NC, ND, HAS_NC, HAS_ND), _fcp_from_sums),
}
"""For each rating metric: the component columns and the function of their sums over users
that gives the headline value. Summing over a resample of users gives a bootstrap replicate."""


def result_from_components(name: str, components: pd.DataFrame) -> MetricResult:
    """Build a rating metric's result from :func:`rating_components`.

    Parameters
    ----------
    name : str
        ``"rmse"``, ``"mae"`` or ``"fcp"``.
    components : pandas.DataFrame
        Per-user components of one set of predictions.

    Returns
    -------
    MetricResult
        See :func:`rmse`, :func:`mae` and :func:`fcp`.

    Raises
    ------
    DataValidationError
        For FCP, if no user has two predictions with different true ratings.
    """
    columns, headline = HEADLINE[name]
    value = float(headline(components[list(columns)].to_numpy().sum(axis=0)))
    excluded = 0
    if name == "rmse":
        per_user = np.sqrt(components[SSE] / components[N])
    elif name == "mae":
        per_user = components[SAE] / components[N]
    else:
        pairs = components[NC] + components[ND]
        if not (pairs > 0).any():
            raise DataValidationError(
                "`predictions`: FCP needs a user with two predictions of different true "
                "ratings; no user has one"
            )
        excluded = int((pairs == 0).sum())
        per_user = (components[NC] / pairs)[pairs > 0]
    series = per_user_series(per_user.index, per_user.to_numpy(), name)
    return MetricResult(name=name, k=None, value=value, per_user=series, n_excluded=excluded)


def rating_metrics(
    frame: pd.DataFrame, *, metrics: Sequence[str] = RATING_METRICS
) -> dict[str, MetricResult]:
    """Compute several rating metrics from one pass over the predictions.

    Parameters
    ----------
    frame : pandas.DataFrame
        Predictions: ``C.USER``, ``C.ITEM``, ``C.RATING`` (truth) and ``C.ESTIMATE``.
    metrics : sequence of str, default ("rmse", "mae", "fcp")
        Which rating metrics to compute.

    Returns
    -------
    dict of str to MetricResult
        One result per requested metric (see :func:`rmse`, :func:`mae`, :func:`fcp`).

    Raises
    ------
    UnknownNameError
        If a name is not a registered metric.
    ParameterError
        If a name is a metric of another kind.
    DataValidationError
        If the predictions are empty or malformed, or FCP has no pair to compare.
    """
    for name in metrics:
        if metric_info(name).kind != "rating":
            raise ParameterError(
                f"`metrics`: {name!r} is not a rating metric; expected some of {RATING_METRICS}"
            )
    components = rating_components(frame)
    return {name: result_from_components(name, components) for name in metrics}


def rmse(frame: pd.DataFrame) -> MetricResult:
    """Root mean squared error of the estimates.

    ``value`` is taken over all predictions, ``sqrt(mean((estimate - rating) ** 2))``,
    exactly as ``surprise.accuracy.rmse``; ``per_user`` holds each user's own RMSE.

    Parameters
    ----------
    frame : pandas.DataFrame
        Predictions: ``C.USER``, ``C.ITEM``, ``C.RATING`` (truth) and ``C.ESTIMATE``
        (see :func:`predictions_to_frame`).

    Returns
    -------
    MetricResult
        Lower is better.

    Raises
    ------
    DataValidationError
        If a column is missing, there are no predictions, or a value is missing.
    """
    return rating_metrics(frame, metrics=("rmse",))["rmse"]


def mae(frame: pd.DataFrame) -> MetricResult:
    """Mean absolute error of the estimates.

    ``value`` is taken over all predictions, as ``surprise.accuracy.mae``; ``per_user``
    holds each user's own MAE.

    Parameters
    ----------
    frame : pandas.DataFrame
        Predictions: ``C.USER``, ``C.ITEM``, ``C.RATING`` (truth) and ``C.ESTIMATE``.

    Returns
    -------
    MetricResult
        Lower is better.

    Raises
    ------
    DataValidationError
        If a column is missing, there are no predictions, or a value is missing.
    """
    return rating_metrics(frame, metrics=("mae",))["mae"]


def fcp(frame: pd.DataFrame) -> MetricResult:
    """Fraction of concordant pairs (Koren and Sill 2013, section 5.2).

    Within each user, every pair of predictions with different true ratings is concordant
    when the higher-rated item has the strictly higher estimate and discordant otherwise
    (tied estimates are discordant). ``value`` follows ``surprise.accuracy.fcp``: the mean
    number of concordant pairs over users with at least one, divided by that plus the mean
    number of discordant pairs over users with at least one. ``per_user`` holds each
    user's ``nc / (nc + nd)``; users with no pair of different ratings are excluded and
    counted in ``n_excluded``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Predictions: ``C.USER``, ``C.ITEM``, ``C.RATING`` (truth) and ``C.ESTIMATE``.

    Returns
    -------
    MetricResult
        Higher is better.

    Raises
    ------
    DataValidationError
        If the predictions are empty or malformed, or no user has two predictions with
        different true ratings.
    """
    return rating_metrics(frame, metrics=("fcp",))["fcp"]
