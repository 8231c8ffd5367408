"""k-means on RFM with the notebook's parameter names in every message."""

from __future__ import annotations

import pandas as pd

from aftersales.errors import ParameterError
from aftersales.random import Seed
from aftersales.segment._cluster import Clustering, cluster_customers


def choose_clusters(
    table: pd.DataFrame, *, n_clusters: int = 0, k_min: int = 2, k_max: int = 8, seed: Seed = 0
) -> Clustering:
    """Cluster customers with a fixed k, or choose k by silhouette over ``k_min..k_max``.

    Parameters
    ----------
    table : pandas.DataFrame
        An RFM table (see :func:`aftersales.segment.rfm`).
    n_clusters : int, default 0
        Number of clusters; 0 chooses k by the mean silhouette.
    k_min, k_max : int, default 2 and 8
        Range of k tried when ``n_clusters`` is 0; ``k_max`` is lowered to the number of
        customers minus one when the data set is that small.
    seed : int or numpy.random.Generator, default 0
        Seeds k-means.

    Returns
    -------
    aftersales.segment.Clustering
        Labels, profiles and the silhouette table.

    Raises
    ------
    ParameterError
        If ``n_clusters`` is neither 0 nor in [2, number of customers), or ``k_min`` is
        not in [2, number of customers) or exceeds ``k_max``.
    DataValidationError
        If the RFM table is invalid.
    """
    n = len(table)
    if n_clusters:
        if not 2 <= n_clusters < n:
            raise ParameterError(
                f"`n_clusters` must be 0 (choose by silhouette) or in [2, number of customers "
                f"= {n}); got {n_clusters}"
            )
        return cluster_customers(table, k=n_clusters, seed=seed)
    if not 2 <= k_min < n:
        raise ParameterError(f"`k_min` must lie in [2, number of customers = {n}); got {k_min}")
    if k_max < k_min:
        raise ParameterError(f"`k_max` must be >= `k_min` = {k_min}; got {k_max}")
    k_range = range(k_min, min(k_max, n - 1) + 1)
    return cluster_customers(table, k_range=k_range, seed=seed)
