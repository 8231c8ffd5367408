"""Customer segmentation: RFM tables, quintile scores, named segments, actions and k-means.

Typical use on cleaned transactions::

    from aftersales import segment

    table = segment.segment_customers(transactions)      # RFM + scores + segment
    segment.segment_summary(table)                      # one row per segment, with action
    result = segment.cluster_customers(table, seed=0)   # k by silhouette over 2..8
    result.silhouette, result.profiles
    segment.choose_clusters(table, n_clusters=0, k_min=2, k_max=8, seed=0)  # checked range
    segment.segment_by_country(table, segment.customer_countries(transactions))

Time is counted in whole UTC calendar days. Lifetime value lives in :mod:`aftersales.clv`.
"""

from __future__ import annotations

import pandas as pd

from aftersales.segment._choose_k import choose_clusters
from aftersales.segment._cluster import (
    DEFAULT_K_RANGE,
    FEATURES,
    Clustering,
    cluster_customers,
    log_rfm_features,
    segments_by_cluster,
)
from aftersales.segment._countries import (
    OTHER_COUNTRIES,
    UNKNOWN_COUNTRY,
    customer_countries,
    segment_by_country,
)
from aftersales.segment._grid import (
    SEGMENT_ACTIONS,
    SEGMENT_GRID,
    SEGMENTS,
    assign_segments,
    attach_actions,
    segment_grid,
    segment_summary,
)
from aftersales.segment._rfm import N_SCORES, RFM_COLUMNS, rfm, rfm_scores
from aftersales.segment.days import DateLike, has_money, revenue


def segment_customers(
    transactions: pd.DataFrame, *, reference_date: DateLike | None = None
) -> pd.DataFrame:
    """Compute the RFM table, quintile scores and named segment of every customer.

    Chains :func:`rfm`, :func:`rfm_scores` and :func:`assign_segments`.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Cleaned canonical transactions (no guest rows, no cancellations).
    reference_date : date-like, optional
        The day the table describes; default the day after the last transaction.

    Returns
    -------
    pandas.DataFrame
        One row per customer (sorted by id): :data:`RFM_COLUMNS`, ``C.R_SCORE``,
        ``C.F_SCORE``, ``C.M_SCORE``, ``C.RFM_CODE`` and ``C.SEGMENT``.

    Raises
    ------
    DataValidationError
        If a column is missing, a row has no customer id, a customer's net revenue is
        negative, or there are fewer than five customers.
    ParameterError
        If ``reference_date`` is not after the first transaction day.
    """
    return assign_segments(rfm_scores(rfm(transactions, reference_date=reference_date)))


__all__ = [
    "DEFAULT_K_RANGE",
    "FEATURES",
    "N_SCORES",
    "OTHER_COUNTRIES",
    "RFM_COLUMNS",
    "SEGMENTS",
    "SEGMENT_ACTIONS",
    "SEGMENT_GRID",
    "UNKNOWN_COUNTRY",
    "Clustering",
    "DateLike",
    "assign_segments",
    "attach_actions",
    "choose_clusters",
    "cluster_customers",
    "customer_countries",
    "has_money",
    "log_rfm_features",
    "revenue",
    "rfm",
    "rfm_scores",
    "segment_by_country",
    "segment_customers",
    "segment_grid",
    "segment_summary",
    "segments_by_cluster",
]
