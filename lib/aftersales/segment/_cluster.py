"""k-means clustering of customers on standardised log-RFM, with k chosen by silhouette."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import DataValidationError, ParameterError
from aftersales.random import Seed, int_seed
from aftersales.segment._grid import SEGMENTS, attach_actions
from aftersales.segment.days import refuse_negative

if TYPE_CHECKING:  # scikit-learn loads in seconds: imported where it is used
    from sklearn.cluster import KMeans

DEFAULT_K_RANGE: tuple[int, ...] = tuple(range(2, 9))
"""Values of k tried when ``k`` is not given."""

FEATURES: tuple[str, ...] = (C.RECENCY, C.FREQUENCY, C.MONETARY)
"""RFM columns clustered, each as ``log1p`` then standardised."""


@dataclass(frozen=True)
class Clustering:
    """Result of :func:`cluster_customers`.

    Attributes
    ----------
    k : int
        Number of clusters used.
    labels : pandas.DataFrame
        ``C.CUSTOMER``, ``C.CLUSTER`` (0 = the cluster with the largest revenue share) and
        ``C.SILHOUETTE`` (each customer's silhouette value at ``k``), input row order.
    profiles : pandas.DataFrame
        One row per cluster: ``C.CLUSTER``, ``C.N_CUSTOMERS``, ``C.CUSTOMER_SHARE``, mean
        ``C.RECENCY``, ``C.FREQUENCY``, ``C.MONETARY`` and ``C.REVENUE_SHARE``.
    silhouette : pandas.DataFrame
        One row per k tried: ``C.K``, ``C.SILHOUETTE`` (mean silhouette) and ``C.INERTIA``
        (within-cluster sum of squares, for an elbow plot).
    """

    k: int
    labels: pd.DataFrame
    profiles: pd.DataFrame
    silhouette: pd.DataFrame


def log_rfm_features(table: pd.DataFrame) -> np.ndarray:
    """Return standardised ``log1p`` recency, frequency and monetary value.

    Parameters
    ----------
    table : pandas.DataFrame
        An RFM table (see :func:`rfm`).

    Returns
    -------
    numpy.ndarray
        Shape ``(n_customers, 3)``: each column minus its mean, divided by its population
        standard deviation (a constant column stays at zero). Without money (``C.MONETARY``
        missing for every customer) shape ``(n_customers, 2)``: recency and frequency.

    Raises
    ------
    DataValidationError
        If a column is missing or a value is negative.
    """
    validate.require_columns(table, (C.CUSTOMER, *FEATURES), source="rfm table")
    customers = table[C.CUSTOMER]
    for name in (C.RECENCY, C.FREQUENCY):
        if (table[name] < 0).any():
            raise DataValidationError(f"rfm table: column `{name}` must be >= 0")
    monetary = refuse_negative(table[C.MONETARY].astype("float64"), customers, what="net revenue")
    columns = [
        table[C.RECENCY].to_numpy(dtype=np.float64),
        table[C.FREQUENCY].to_numpy(dtype=np.float64),
    ]
    if not monetary.isna().all():
        columns.append(monetary.to_numpy(dtype=np.float64))
    raw = np.column_stack(columns)
    logged = np.log1p(raw)
    spread = logged.std(axis=0)
    spread[spread == 0] = 1.0
    return (logged - logged.mean(axis=0)) / spread


def _checked_k(k: object, n: int, *, name: str) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 2 <= k < n:
        raise ParameterError(
            f"`{name}` must be an integer in [2, number of customers = {n}); got {k!r}"
        )
    return int(k)


KMEANS_MAX_ITER = 1000
"""Lloyd iterations allowed per restart; runs stop earlier, when no label changes."""


def _fit(features: np.ndarray, k: int, seed: int, n_init: int) -> KMeans:
    # tol=0 runs Lloyd's algorithm until the labels stop changing (a fixed point). With the
    # default tol=1e-4 a run stops on a small centre shift instead, at an iteration that
    # last-bit differences between CPUs can move, and the clustering moves with it.
    from sklearn.cluster import KMeans

    model = KMeans(
        n_clusters=k, n_init=n_init, random_state=seed, tol=0.0, max_iter=KMEANS_MAX_ITER
    )
    return model.fit(features)


def cluster_customers(
    table: pd.DataFrame,
    *,
    k: int | None = None,
    k_range: Iterable[int] = DEFAULT_K_RANGE,
    seed: Seed = 0,
    n_init: int = 10,
) -> Clustering:
    """Cluster customers with k-means on standardised log-RFM.

    Parameters
    ----------
    table : pandas.DataFrame
        An RFM table from :func:`rfm` (``C.CUSTOMER``, ``C.RECENCY``, ``C.FREQUENCY``,
        ``C.MONETARY``).
    k : int, optional
        Number of clusters. When omitted, every value in ``k_range`` is fitted and the one
        with the highest mean silhouette is kept (the smaller k on a tie).
    k_range : iterable of int, default 2..8
        Candidate values of k when ``k`` is not given.
    seed : int or numpy.random.Generator, default 0
        Seeds k-means (passed as ``random_state``), so labels are reproducible.
    n_init : int, default 10
        k-means restarts; the best (lowest inertia) is kept.

    Returns
    -------
    Clustering
        Labels, cluster profiles and the silhouette table (see :class:`Clustering`).
        Clusters are numbered by descending revenue share (without money: by descending
        share of the invoices, and clustered on recency and frequency alone).

    Raises
    ------
    ParameterError
        If ``k`` or a value of ``k_range`` is not an integer in [2, number of customers),
        ``k_range`` is empty, or ``n_init`` < 1.
    DataValidationError
        If a column is missing or a value is negative.
    """
    features = log_rfm_features(table)
    n = len(features)
    validate.positive_int(n_init, "n_init")
    if k is not None:
        candidates = [_checked_k(k, n, name="k")]
    else:
        candidates = sorted({_checked_k(v, n, name="k_range") for v in k_range})
        if not candidates:
            raise ParameterError("`k_range` must hold at least one k; got an empty range")
    random_state = int_seed(seed)
    rows, best = [], None
    from sklearn.metrics import silhouette_samples  # scikit-learn: only when clustering

    for candidate in candidates:
        # One thread (OpenMP for k-means, BLAS for the silhouette distances): the sums then do
        # not depend on the thread count, and on a few thousand customers x 3 features threads
        # only add spin-waiting (online-retail, k = 2..8: 35 s instead of 1 s while another
        # process kept both cores busy).
        with threadpool_limits(limits=1):
            model = _fit(features, candidate, random_state, n_init)
            per_customer = silhouette_samples(features, model.labels_)
        score = float(per_customer.mean())
        rows.append((candidate, score, float(model.inertia_)))
        if best is None or score > best[1]:
            best = (model, score, per_customer)
    model, _, per_customer = best
    scores = pd.DataFrame(rows, columns=[C.K, C.SILHOUETTE, C.INERTIA])
    labels, profiles = _profiles(table, model.labels_)
    labels = pd.DataFrame(
        {
            C.CUSTOMER: table[C.CUSTOMER].to_numpy(),
            C.CLUSTER: labels,
            C.SILHOUETTE: per_customer,
        }
    )
    return Clustering(k=int(model.n_clusters), labels=labels, profiles=profiles, silhouette=scores)


def _profiles(table: pd.DataFrame, raw_labels: np.ndarray) -> tuple[np.ndarray, pd.DataFrame]:
    """Renumber clusters by descending revenue (else invoice) share and describe each one."""
    monetary = table[C.MONETARY].to_numpy(dtype=np.float64)
    k = int(raw_labels.max()) + 1
    weight = table[C.FREQUENCY].to_numpy(dtype=np.float64) if np.isnan(monetary).all() else monetary
    revenue = np.bincount(raw_labels, weights=weight, minlength=k)
    order = np.lexsort((np.arange(k), -revenue))  # largest revenue first, then old label
    renumber = np.empty(k, dtype=np.int64)
    renumber[order] = np.arange(k)
    labels = renumber[raw_labels]
    frame = pd.DataFrame(
        {
            C.CLUSTER: labels,
            C.RECENCY: table[C.RECENCY].to_numpy(dtype=np.float64),
            C.FREQUENCY: table[C.FREQUENCY].to_numpy(dtype=np.float64),
            C.MONETARY: monetary,
        }
    )
    grouped = frame.groupby(C.CLUSTER, sort=True)
    means = grouped[[C.RECENCY, C.FREQUENCY, C.MONETARY]].mean()
    sizes = grouped.size().to_numpy(dtype=np.int64)
    total = monetary.sum()
    profiles = pd.DataFrame(
        {
            C.CLUSTER: means.index.to_numpy(dtype=np.int64),
            C.N_CUSTOMERS: sizes,
            C.CUSTOMER_SHARE: sizes / len(frame),
            C.RECENCY: means[C.RECENCY].to_numpy(),
            C.FREQUENCY: means[C.FREQUENCY].to_numpy(),
            C.MONETARY: means[C.MONETARY].to_numpy(),
            C.REVENUE_SHARE: grouped[C.MONETARY].sum().to_numpy() / total if total else np.nan,
        }
    )
    return labels, profiles


def segments_by_cluster(customers: pd.DataFrame) -> pd.DataFrame:
    """Count customers per named segment and k-means cluster.

    Parameters
    ----------
    customers : pandas.DataFrame
        ``C.SEGMENT`` and ``C.CLUSTER``, e.g. from :func:`aftersales.clv.customer_table`.

    Returns
    -------
    pandas.DataFrame
        Index ``C.SEGMENT`` in :data:`SEGMENTS` order (all of them),
        one column per cluster number (ascending), cells customer counts.

    Raises
    ------
    DataValidationError
        If a column is missing.
    UnknownNameError
        If a segment name is unknown.
    """
    validate.require_columns(customers, (C.SEGMENT, C.CLUSTER), source="customer table")
    attach_actions(customers[[C.SEGMENT]])  # validates the names
    counts = pd.crosstab(
        pd.Series(customers[C.SEGMENT].to_numpy(dtype=object), name=C.SEGMENT),
        pd.Series(customers[C.CLUSTER].to_numpy(dtype=np.int64), name=C.CLUSTER),
    )
    clusters = sorted(int(k) for k in pd.unique(customers[C.CLUSTER]))
    counts = counts.reindex(index=list(SEGMENTS), columns=clusters, fill_value=0)
    return counts.astype(np.int64)
