"""Rating, ranking and beyond-accuracy metrics, each with per-user values.

Every function returns a :class:`MetricResult` (``value``, ``per_user``, ``n_excluded``)
and loops over no user.

Rating metrics take a predictions frame (``C.USER``, ``C.ITEM``, ``C.RATING`` the truth,
``C.ESTIMATE``; :func:`predictions_to_frame` converts Surprise's predictions) and equal
``surprise.accuracy`` on the same predictions.

Ranking metrics take a recommendations frame (``C.USER``, ``C.ITEM``, ``C.RANK`` [,
``C.SCORE``]) and a truth frame (``C.USER``, ``C.ITEM`` [, ``C.RATING``]), with these
conventions:

- A user's list is its rows ordered by ``C.RANK`` (ranks need not be contiguous); the
  first ``k`` are evaluated, and a shorter list is evaluated as it is.
- Relevant items are the user's truth rows (those with ``C.RATING >= threshold`` when a
  threshold is given).
- Evaluated users have a list and at least one relevant item; users with a list but no
  relevant item are excluded and counted in ``n_excluded``; truth users without a list
  are ignored.
- precision@k = hits / k; recall@k = hits / n_relevant; hit rate@k = 1 if any hit;
  MRR@k = 1 / position of the first hit (0 without one); NDCG@k has binary gains and a
  log2 discount, 1 / log2(position + 1), normalised by the ideal DCG of
  min(k, n_relevant) hits; AP@k = sum of precision@position over hits divided by
  min(k, n_relevant), and MAP@k is its mean.

Beyond-accuracy metrics (catalogue coverage, novelty, intra-list diversity,
personalisation) describe the top-k lists themselves.
"""

from __future__ import annotations

from aftersales.metrics._base import METRICS, MetricInfo, MetricResult, metric_info
from aftersales.metrics._beyond import (
    catalogue_coverage,
    intra_list_diversity,
    item_popularity,
    novelty,
    personalisation,
)
from aftersales.metrics._features import ItemFeatures, cooccurrence_features, genre_features
from aftersales.metrics._ranking import RANKING_METRICS, ranking_metrics, relevant_items
from aftersales.metrics._ranking_at_k import (
    hit_rate_at_k,
    map_at_k,
    mrr_at_k,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
)
from aftersales.metrics._rating import (
    HEADLINE,
    RATING_METRICS,
    fcp,
    mae,
    predictions_to_frame,
    rating_components,
    rating_metrics,
    result_from_components,
    rmse,
)

BEYOND_METRICS: tuple[str, ...] = ("coverage", "novelty", "diversity", "personalisation")
"""Names of the beyond-accuracy metrics, in display order."""

__all__ = [
    "BEYOND_METRICS",
    "HEADLINE",
    "METRICS",
    "RANKING_METRICS",
    "RATING_METRICS",
    "ItemFeatures",
    "MetricInfo",
    "MetricResult",
    "catalogue_coverage",
    "cooccurrence_features",
    "fcp",
    "genre_features",
    "hit_rate_at_k",
    "intra_list_diversity",
    "item_popularity",
    "mae",
    "map_at_k",
    "metric_info",
    "mrr_at_k",
    "ndcg_at_k",
    "novelty",
    "personalisation",
    "precision_at_k",
    "predictions_to_frame",
    "ranking_metrics",
    "rating_components",
    "rating_metrics",
    "recall_at_k",
    "relevant_items",
    "result_from_components",
    "rmse",
]
