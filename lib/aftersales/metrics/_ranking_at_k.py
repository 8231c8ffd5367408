"""One function per ranking metric at k; see ``_ranking`` for the shared conventions."""

from __future__ import annotations

import pandas as pd

from aftersales.metrics._base import MetricResult
from aftersales.metrics._ranking import ranking_metrics
from aftersales.validate import positive_int


def _single(
    name: str, recs: pd.DataFrame, truth: pd.DataFrame, *, k: int, threshold: float | None
) -> MetricResult:
    k = positive_int(k, "k")
    return ranking_metrics(recs, truth, ks=k, threshold=threshold, metrics=(name,))[(name, k)]


def precision_at_k(
    recs: pd.DataFrame, truth: pd.DataFrame, *, k: int, threshold: float | None = None
) -> MetricResult:
    """Precision at k: the share of the first k positions that hold a relevant item.

    The denominator is k even when a list is shorter. Users without a relevant item are
    excluded (see ``n_excluded``).

    Parameters
    ----------
    recs : pandas.DataFrame
        Recommendations: ``C.USER``, ``C.ITEM``, ``C.RANK`` (1 = first) [, ``C.SCORE``].
    truth : pandas.DataFrame
        Held-out interactions: ``C.USER``, ``C.ITEM`` [, ``C.RATING``].
    k : int
        List length.
    threshold : float, optional
        Minimum ``C.RATING`` of a relevant item; None makes every truth row relevant.

    Returns
    -------
    MetricResult
        Mean over evaluated users and the per-user values; higher is better.

    Raises
    ------
    ParameterError
        If ``k`` is not a positive integer or ``threshold`` is not a number.
    DataValidationError
        If a frame is empty or malformed, the frames have no user in common, or no
        recommended user has a relevant item.
    """
    return _single("precision", recs, truth, k=k, threshold=threshold)


def recall_at_k(
    recs: pd.DataFrame, truth: pd.DataFrame, *, k: int, threshold: float | None = None
) -> MetricResult:
    """Recall at k: the share of a user's relevant items found in the first k positions.

    The denominator is the user's number of relevant items (not capped at k), so a user
    with more than k relevant items cannot reach 1.

    Parameters
    ----------
    recs : pandas.DataFrame
        Recommendations: ``C.USER``, ``C.ITEM``, ``C.RANK`` (1 = first) [, ``C.SCORE``].
    truth : pandas.DataFrame
        Held-out interactions: ``C.USER``, ``C.ITEM`` [, ``C.RATING``].
    k : int
        List length.
    threshold : float, optional
        Minimum ``C.RATING`` of a relevant item; None makes every truth row relevant.

    Returns
    -------
    MetricResult
        Mean over evaluated users and the per-user values; higher is better.

    Raises
    ------
    ParameterError
        If ``k`` is not a positive integer or ``threshold`` is not a number.
    DataValidationError
        If a frame is empty or malformed, the frames have no user in common, or no
        recommended user has a relevant item.
    """
    return _single("recall", recs, truth, k=k, threshold=threshold)


def ndcg_at_k(
    recs: pd.DataFrame, truth: pd.DataFrame, *, k: int, threshold: float | None = None
) -> MetricResult:
    """Normalised discounted cumulative gain at k, with binary gains.

    DCG = sum over hits of 1 / log2(position + 1); it is divided by the DCG of an ideal
    list holding min(k, n_relevant) relevant items first.

    Parameters
    ----------
    recs : pandas.DataFrame
        Recommendations: ``C.USER``, ``C.ITEM``, ``C.RANK`` (1 = first) [, ``C.SCORE``].
    truth : pandas.DataFrame
        Held-out interactions: ``C.USER``, ``C.ITEM`` [, ``C.RATING``].
    k : int
        List length.
    threshold : float, optional
        Minimum ``C.RATING`` of a relevant item; None makes every truth row relevant.

    Returns
    -------
    MetricResult
        Mean over evaluated users and the per-user values; higher is better.

    Raises
    ------
    ParameterError
        If ``k`` is not a positive integer or ``threshold`` is not a number.
    DataValidationError
        If a frame is empty or malformed, the frames have no user in common, or no
        recommended user has a relevant item.
    """
    return _single("ndcg", recs, truth, k=k, threshold=threshold)


def map_at_k(
    recs: pd.DataFrame, truth: pd.DataFrame, *, k: int, threshold: float | None = None
) -> MetricResult:
    """Mean average precision at k.

    AP@k = sum over hits of precision@position, divided by min(k, n_relevant); the mean
    over evaluated users is MAP@k.

    Parameters
    ----------
    recs : pandas.DataFrame
        Recommendations: ``C.USER``, ``C.ITEM``, ``C.RANK`` (1 = first) [, ``C.SCORE``].
    truth : pandas.DataFrame
        Held-out interactions: ``C.USER``, ``C.ITEM`` [, ``C.RATING``].
    k : int
        List length.
    threshold : float, optional
        Minimum ``C.RATING`` of a relevant item; None makes every truth row relevant.

    Returns
    -------
    MetricResult
        Mean over evaluated users and the per-user values; higher is better.

    Raises
    ------
    ParameterError
        If ``k`` is not a positive integer or ``threshold`` is not a number.
    DataValidationError
        If a frame is empty or malformed, the frames have no user in common, or no
        recommended user has a relevant item.
    """
    return _single("map", recs, truth, k=k, threshold=threshold)


def hit_rate_at_k(
    recs: pd.DataFrame, truth: pd.DataFrame, *, k: int, threshold: float | None = None
) -> MetricResult:
    """Hit rate at k: 1 if a relevant item is among the first k, else 0.

    The mean over evaluated users is the share of users with at least one hit.

    Parameters
    ----------
    recs : pandas.DataFrame
        Recommendations: ``C.USER``, ``C.ITEM``, ``C.RANK`` (1 = first) [, ``C.SCORE``].
    truth : pandas.DataFrame
        Held-out interactions: ``C.USER``, ``C.ITEM`` [, ``C.RATING``].
    k : int
        List length.
    threshold : float, optional
        Minimum ``C.RATING`` of a relevant item; None makes every truth row relevant.

    Returns
    -------
    MetricResult
        Mean over evaluated users and the per-user values; higher is better.

    Raises
    ------
    ParameterError
        If ``k`` is not a positive integer or ``threshold`` is not a number.
    DataValidationError
        If a frame is empty or malformed, the frames have no user in common, or no
        recommended user has a relevant item.
    """
    return _single("hit_rate", recs, truth, k=k, threshold=threshold)


def mrr_at_k(
    recs: pd.DataFrame, truth: pd.DataFrame, *, k: int, threshold: float | None = None
) -> MetricResult:
    """Mean reciprocal rank at k: 1 / position of the first relevant item.

    A user without a hit in the first k positions scores 0.

    Parameters
    ----------
    recs : pandas.DataFrame
        Recommendations: ``C.USER``, ``C.ITEM``, ``C.RANK`` (1 = first) [, ``C.SCORE``].
    truth : pandas.DataFrame
        Held-out interactions: ``C.USER``, ``C.ITEM`` [, ``C.RATING``].
    k : int
        List length.
    threshold : float, optional
        Minimum ``C.RATING`` of a relevant item; None makes every truth row relevant.

    Returns
    -------
    MetricResult
        Mean over evaluated users and the per-user values; higher is better.

    Raises
    ------
    ParameterError
        If ``k`` is not a positive integer or ``threshold`` is not a number.
    DataValidationError
        If a frame is empty or malformed, the frames have no user in common, or no
        recommended user has a relevant item.
    """
    return _single("mrr", recs, truth, k=k, threshold=threshold)
