"""Ranking metrics at k: precision, recall, NDCG, MAP, hit rate and MRR.

Conventions (shared by every function here)
-------------------------------------------
- A user's list is the rows of ``recommendations`` for that user ordered by ``C.RANK``;
  the first ``k`` of them are evaluated (a shorter list is evaluated as it is).
- The relevant items of a user are its rows in ``truth`` (all of them, or those with
  ``C.RATING >= threshold`` when a threshold is given).
- Evaluated users are the users with a list and at least one relevant item. Users with a
  list but no relevant item are excluded and counted in ``MetricResult.n_excluded``;
  users of ``truth`` without a list are ignored (choose the users to recommend for).
- precision@k = hits / k (k, not the list length, is the denominator);
  recall@k = hits / number of relevant items of the user;
  hit rate@k = 1 if at least one hit, else 0;
  MRR@k = 1 / position of the first hit (0 without a hit);
  NDCG@k uses binary gains and a log2 discount: DCG = sum over hits of
  1 / log2(position + 1), divided by the DCG of an ideal list of min(k, n_relevant) hits;
  MAP@k averages over users AP@k = sum over hits of precision@position, divided by
  min(k, n_relevant).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.choices import RANKING_METRICS
from aftersales.errors import DataValidationError, ParameterError
from aftersales.metrics._base import (
    MetricResult,
    check_recommendations,
    metric_info,
    per_user_series,
    top_k,
)
from aftersales.validate import numeric, positive_int, require_columns, require_rows


@dataclass(frozen=True)
class _Hits:
    """The evaluated top-k rows, sorted by user then position, and the relevant counts."""

    users: pd.Index
    codes: np.ndarray
    position: np.ndarray
    hit: np.ndarray
    n_relevant: np.ndarray
    n_excluded: int


def relevant_items(truth: pd.DataFrame, *, threshold: float | None = None) -> pd.DataFrame:
    """Return the relevant (user, item) pairs of a truth frame.

    Parameters
    ----------
    truth : pandas.DataFrame
        Held-out interactions: ``C.USER``, ``C.ITEM`` and, when ``threshold`` is given,
        ``C.RATING``.
    threshold : float, optional
        Minimum rating of a relevant item; None makes every row relevant.

    Returns
    -------
    pandas.DataFrame
        Distinct ``C.USER``, ``C.ITEM`` pairs.

    Raises
    ------
    DataValidationError
        If a column is missing, ``truth`` is empty or a rating is not numeric.
    ParameterError
        If ``threshold`` is not a number.
    """
    source = "`truth`"
    require_columns(truth, [C.USER, C.ITEM], source=source)
    require_rows(truth, source=source)
    if threshold is None:
        pairs = truth[[C.USER, C.ITEM]]
    else:
        if isinstance(threshold, bool) or not isinstance(threshold, int | float | np.number):
            raise ParameterError(f"`threshold` must be a number or None; got {threshold!r}")
        require_columns(truth, [C.RATING], source=f"{source} (a threshold is given)")
        ratings = numeric(truth[C.RATING], source=source).to_numpy()
        pairs = truth.loc[ratings >= threshold, [C.USER, C.ITEM]]
    return pairs.drop_duplicates().reset_index(drop=True)


def _hits(recs: pd.DataFrame, truth: pd.DataFrame, *, k: int, threshold: float | None) -> _Hits:
    check_recommendations(recs)
    relevant = relevant_items(truth, threshold=threshold)
    listed = pd.Index(recs[C.USER].unique())
    in_truth = pd.Index(truth[C.USER].unique())
    if len(listed.intersection(in_truth)) == 0:
        raise DataValidationError(
            "`recommendations` and `truth` have no user in common "
            f"(recommendations: {len(listed)} users of dtype {listed.dtype}, e.g. "
            f"{listed[:3].tolist()}; truth: {len(in_truth)} users of dtype {in_truth.dtype}, "
            f"e.g. {in_truth[:3].tolist()})"
        )
    users = listed.intersection(pd.Index(relevant[C.USER].unique())).sort_values()
    if len(users) == 0:
        raise DataValidationError(
            f"`truth`: no recommended user has a relevant item (threshold={threshold!r}); "
            "lower the threshold or recommend for other users"
        )
    top = top_k(recs.loc[recs[C.USER].isin(users)], k)
    codes = users.get_indexer(top[C.USER])
    position = top[C.RANK].to_numpy()
    order = np.lexsort((position, codes))
    hit = pd.MultiIndex.from_frame(top[[C.USER, C.ITEM]]).isin(pd.MultiIndex.from_frame(relevant))
    n_relevant = relevant[C.USER].value_counts().reindex(users).to_numpy()
    return _Hits(
        users=users,
        codes=codes[order],
        position=position[order],
        hit=hit[order],
        n_relevant=n_relevant,
        n_excluded=len(listed) - len(users),
    )


def _ideal_dcg(k: int, n_relevant: np.ndarray) -> np.ndarray:
    discounts = np.cumsum(1.0 / np.log2(np.arange(2, k + 2)))
    return discounts[np.minimum(k, n_relevant) - 1]


def _values(hits: _Hits, name: str, k: int) -> np.ndarray:
    keep = hits.position <= k
    codes, position, hit = hits.codes[keep], hits.position[keep], hits.hit[keep]
    n_users = len(hits.users)
    n_hits = np.bincount(codes, weights=hit, minlength=n_users)
    if name == "precision":
        return n_hits / k
    if name == "recall":
        return n_hits / hits.n_relevant
    if name == "hit_rate":
        return (n_hits > 0).astype("float64")
    if name == "ndcg":
        dcg = np.bincount(codes, weights=hit / np.log2(position + 1), minlength=n_users)
        return dcg / _ideal_dcg(k, hits.n_relevant)
    if name == "map":
        # Hits up to and including each row, within its user (rows are sorted by user).
        running = np.cumsum(hit)
        first_row = np.searchsorted(codes, codes, side="left")
        hits_so_far = running - running[first_row] + hit[first_row]
        precision_at_hit = np.where(hit, hits_so_far / position, 0.0)
        total = np.bincount(codes, weights=precision_at_hit, minlength=n_users)
        return total / np.minimum(k, hits.n_relevant)
    # mrr
    first_hit = np.full(n_users, np.inf)
    np.minimum.at(first_hit, codes[hit], position[hit].astype("float64"))
    return 1.0 / first_hit


def ranking_metrics(
    recs: pd.DataFrame,
    truth: pd.DataFrame,
    *,
    ks: int | Sequence[int],
    threshold: float | None = None,
    metrics: Sequence[str] = RANKING_METRICS,
) -> dict[tuple[str, int], MetricResult]:
    """Compute several ranking metrics at several list lengths in one pass.

    The conventions are stated in the ``aftersales.metrics`` docstring.

    Parameters
    ----------
    recs : pandas.DataFrame
        Recommendations: ``C.USER``, ``C.ITEM``, ``C.RANK`` (1 = first) and optionally
        ``C.SCORE`` (unused).
    truth : pandas.DataFrame
        Held-out interactions: ``C.USER``, ``C.ITEM`` [, ``C.RATING``].
    ks : int or sequence of int
        List lengths to evaluate.
    threshold : float, optional
        Minimum ``C.RATING`` of a relevant item; None makes every truth row relevant.
    metrics : sequence of str, default all ranking metrics
        Names from ``RANKING_METRICS``.

    Returns
    -------
    dict of (str, int) to MetricResult
        Keyed by ``(metric, k)``.

    Raises
    ------
    ParameterError
        If a k is not a positive integer, a metric is not a ranking metric, or the
        threshold is not a number.
    UnknownNameError
        If a metric name is not registered.
    DataValidationError
        If a frame is empty or malformed, the frames have no user in common, or no
        recommended user has a relevant item.
    """
    ks = [positive_int(k, "ks") for k in ([ks] if isinstance(ks, int | np.integer) else ks)]
    if not ks:
        raise ParameterError("`ks` must hold at least one list length; got none")
    for name in metrics:
        if metric_info(name).kind != "ranking":
            raise ParameterError(
                f"`metrics`: {name!r} is not a ranking metric; expected some of {RANKING_METRICS}"
            )
    hits = _hits(recs, truth, k=max(ks), threshold=threshold)
    return {
        (name, k): MetricResult(
            name=name,
            k=k,
            value=float(values.mean()),
            per_user=per_user_series(hits.users, values, name),
            n_excluded=hits.n_excluded,
        )
        for k in ks
        for name in metrics
        for values in [_values(hits, name, k)]
    }
