"""How well risk scores find the customers who do not buy again: AUC, AP, gains, calibration."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.errors import DataValidationError
from aftersales.random import Seed
from aftersales.stats import percentile_interval, resample_weights


def _groups(labels: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Order by score (descending) and mark tie groups: (order, group starts, positive mask)."""
    order = np.argsort(-score, kind="stable")
    ordered = score[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    return order, starts, labels[order].astype(bool)


def weighted_auc_ap(
    labels: np.ndarray, score: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return the ROC AUC and average precision under each row of case weights.

    Ties share their group (AUC counts a tied pair as half, as the Mann-Whitney statistic;
    average precision steps once per distinct score, as scikit-learn's).

    Parameters
    ----------
    labels : numpy.ndarray
        bool or 0/1 per case: 1 is a positive.
    score : numpy.ndarray
        Score per case; higher means more likely positive.
    weights : numpy.ndarray
        ``replicates x cases`` weights (a bootstrap's draw counts), or one row.

    Returns
    -------
    tuple of numpy.ndarray
        AUC and average precision per row of ``weights`` (NaN when a row weighs no
        positive or no negative).
    """
    weights = np.atleast_2d(np.asarray(weights, dtype=np.float64))
    order, starts, positive = _groups(np.asarray(labels), np.asarray(score, dtype=np.float64))
    w = weights[:, order]
    pos = np.add.reduceat(np.where(positive, w, 0.0), starts, axis=1)
    neg = np.add.reduceat(np.where(positive, 0.0, w), starts, axis=1)
    n_pos, n_neg = pos.sum(axis=1), neg.sum(axis=1)
    below = n_neg[:, None] - np.cumsum(neg, axis=1)  # negatives scored lower than the group
    with np.errstate(divide="ignore", invalid="ignore"):
        auc = (pos * (below + 0.5 * neg)).sum(axis=1) / (n_pos * n_neg)
        true_pos = np.cumsum(pos, axis=1)
        precision = true_pos / (true_pos + np.cumsum(neg, axis=1))
        ap = (np.nan_to_num(precision) * pos).sum(axis=1) / n_pos
    bad = (n_pos == 0) | (n_neg == 0)
    return np.where(bad, np.nan, auc), np.where(n_pos == 0, np.nan, ap)


def _check(labels: np.ndarray, scores: Mapping[str, np.ndarray]) -> np.ndarray:
    labels = np.asarray(labels).astype(bool)
    if labels.all() or not labels.any():
        raise DataValidationError("scores need both classes among the labels; got one class")
    for name, score in scores.items():
        values = np.asarray(score, dtype=np.float64)
        if values.shape != labels.shape or not np.isfinite(values).all():
            raise DataValidationError(
                f"score `{name}` must hold one finite value per customer ({len(labels)})"
            )
    return labels


def score_table(
    labels: np.ndarray,
    scores: Mapping[str, np.ndarray],
    *,
    probabilities: tuple[str, ...] = (),
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: Seed,
) -> pd.DataFrame:
    """AUC and average precision of each score with percentile bootstrap intervals, and Brier.

    Customers are resampled with replacement (:func:`aftersales.stats.resample_weights`);
    every score is evaluated on the same draws, so the intervals are comparable.

    Parameters
    ----------
    labels : numpy.ndarray
        bool per customer: True is a positive (at risk).
    scores : mapping
        Name -> score per customer (higher = more likely positive).
    probabilities : tuple of str
        Names whose scores are probabilities: they get a Brier score.
    n_resamples : int, default 1000
        Bootstrap replicates.
    level : float, default 0.95
        Confidence level of the intervals.
    seed : int or numpy.random.Generator
        Seed of the draws.

    Returns
    -------
    pandas.DataFrame
        One row per score, in ``scores`` order: ``C.MODEL``, ``C.AUC``, ``C.CI_LOW``,
        ``C.CI_HIGH``, ``C.AVERAGE_PRECISION``, ``C.AP_CI_LOW``, ``C.AP_CI_HIGH`` and
        ``C.BRIER`` (missing for scores that are not probabilities); ``C.POSITIVE_RATE`` is
        the share of positives (the AP of a random score).

    Raises
    ------
    DataValidationError
        If the labels hold one class or a score is not one finite value per customer.
    ParameterError
        If ``n_resamples`` or ``level`` is out of range.
    """
    labels = _check(labels, scores)
    draws = resample_weights(len(labels), n_resamples=n_resamples, seed=seed)
    ones = np.ones((1, len(labels)))
    rows = []
    for name, score in scores.items():  # a handful of scores
        values = np.asarray(score, dtype=np.float64)
        (auc,), (ap,) = weighted_auc_ap(labels, values, ones)
        aucs, aps = weighted_auc_ap(labels, values, draws)
        auc_low, auc_high = percentile_interval(aucs, level=level)
        ap_low, ap_high = percentile_interval(aps, level=level)
        brier = float(np.mean((values - labels) ** 2)) if name in probabilities else np.nan
        rows.append(
            {
                C.MODEL: name,
                C.AUC: float(auc),
                C.CI_LOW: auc_low,
                C.CI_HIGH: auc_high,
                C.AVERAGE_PRECISION: float(ap),
                C.AP_CI_LOW: ap_low,
                C.AP_CI_HIGH: ap_high,
                C.BRIER: brier,
                C.POSITIVE_RATE: float(labels.mean()),
            }
        )
    return pd.DataFrame(rows)


def gains(
    labels: np.ndarray, scores: Mapping[str, np.ndarray], *, points: int = 20
) -> pd.DataFrame:
    """Cumulative gain and lift of each score when the highest-scored customers are targeted.

    Parameters
    ----------
    labels : numpy.ndarray
        bool per customer: True is a positive (at risk).
    scores : mapping
        Name -> score per customer (higher = targeted first; ties in customer order).
    points : int, default 20
        Targeted shares ``1/points, 2/points, ..., 1``.

    Returns
    -------
    pandas.DataFrame
        One row per score and point: ``C.MODEL``, ``C.TARGETED_SHARE`` (share of customers
        targeted), ``C.GAIN`` (share of all positives among them) and ``C.LIFT`` (their
        positive rate over the overall rate, i.e. gain over targeted share).

    Raises
    ------
    DataValidationError
        If the labels hold one class or a score is not one finite value per customer.
    """
    labels = _check(labels, scores)
    n = len(labels)
    shares = np.arange(1, points + 1) / points
    counts = np.maximum(np.ceil(shares * n - 1e-9).astype(np.int64), 1)
    frames = []
    for name, score in scores.items():  # a handful of scores
        order = np.argsort(-np.asarray(score, dtype=np.float64), kind="stable")
        captured = np.cumsum(labels[order])[counts - 1] / labels.sum()
        targeted = counts / n
        frames.append(
            pd.DataFrame(
                {
                    C.MODEL: name,
                    C.TARGETED_SHARE: targeted,
                    C.GAIN: captured,
                    C.LIFT: captured / targeted,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def calibration(
    labels: np.ndarray, probabilities: Mapping[str, np.ndarray], *, bins: int = 10
) -> pd.DataFrame:
    """Mean predicted probability against the observed rate, in equal-count bins.

    Parameters
    ----------
    labels : numpy.ndarray
        bool per customer: True is a positive.
    probabilities : mapping
        Name -> predicted probability of a positive per customer.
    bins : int, default 10
        Bins per score (fewer when scores tie across bin edges).

    Returns
    -------
    pandas.DataFrame
        One row per score and bin: ``C.MODEL``, ``C.MEAN_PREDICTED``, ``C.OBSERVED_RATE``
        and ``C.N_CUSTOMERS``.

    Raises
    ------
    DataValidationError
        If the labels hold one class or a score is not one finite value per customer.
    """
    labels = _check(labels, probabilities)
    frames = []
    for name, score in probabilities.items():  # a handful of scores
        values = np.asarray(score, dtype=np.float64)
        ranks = pd.Series(values).rank(method="first")
        group = pd.qcut(ranks, bins, labels=False)
        frame = pd.DataFrame({"group": group, "p": values, "y": labels.astype(np.float64)})
        table = frame.groupby("group").agg(p=("p", "mean"), y=("y", "mean"), n=("y", "size"))
        frames.append(
            pd.DataFrame(
                {
                    C.MODEL: name,
                    C.MEAN_PREDICTED: table["p"].to_numpy(),
                    C.OBSERVED_RATE: table["y"].to_numpy(),
                    C.N_CUSTOMERS: table["n"].to_numpy(np.int64),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def by_segment(
    labels: np.ndarray, score: np.ndarray, segments: pd.Series, order: tuple[str, ...]
) -> pd.DataFrame:
    """Per segment: customers, observed at-risk rate, mean score and the AUC inside it.

    Parameters
    ----------
    labels : numpy.ndarray
        bool per customer: True is at risk.
    score : numpy.ndarray
        A probability of being at risk per customer.
    segments : pandas.Series
        Segment name per customer (same order).
    order : tuple of str
        Segment order of the table (segments without customers are left out).

    Returns
    -------
    pandas.DataFrame
        ``C.SEGMENT``, ``C.N_CUSTOMERS``, ``C.OBSERVED_RATE``, ``C.MEAN_PREDICTED`` and
        ``C.AUC`` (missing in a segment with one class).
    """
    frame = pd.DataFrame(
        {
            C.SEGMENT: segments.astype("str").to_numpy(),
            "y": np.asarray(labels, dtype=bool),
            "s": np.asarray(score, dtype=np.float64),
        }
    )
    rows = []
    for name in order:  # eleven segments
        part = frame[frame[C.SEGMENT] == name]
        if part.empty:
            continue
        (auc,), _ = weighted_auc_ap(
            part["y"].to_numpy(), part["s"].to_numpy(), np.ones((1, len(part)))
        )
        rows.append(
            {
                C.SEGMENT: name,
                C.N_CUSTOMERS: len(part),
                C.OBSERVED_RATE: float(part["y"].mean()),
                C.MEAN_PREDICTED: float(part["s"].mean()),
                C.AUC: float(auc),
            }
        )
    return pd.DataFrame(rows)
