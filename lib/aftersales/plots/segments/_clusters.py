"""k-means clusters in RFM space and their silhouette."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from aftersales import columns as C
from aftersales import segment, validate
from aftersales.errors import DataValidationError
from aftersales.plots._base import labelled_axes, new_figure, twin_y
from aftersales.plots.segments._common import WIDE


def cluster_scatter(table: pd.DataFrame, labels: pd.DataFrame, *, currency: str = "GBP") -> Figure:
    """Plot customers in RFM space, coloured by k-means cluster, on logarithmic axes.

    Parameters
    ----------
    table : pandas.DataFrame
        An RFM table (``C.CUSTOMER``, ``C.RECENCY``, ``C.FREQUENCY``, ``C.MONETARY``).
    labels : pandas.DataFrame
        ``C.CUSTOMER`` and ``C.CLUSTER`` (``Clustering.labels``).
    currency : str, default "GBP"
        Unit of monetary value.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels: recency vs frequency and frequency vs monetary value (customers with
        zero net revenue left out of the second).

    Raises
    ------
    DataValidationError
        If a column is missing or a customer has no cluster label.
    """
    validate.require_columns(
        table, (C.CUSTOMER, C.RECENCY, C.FREQUENCY, C.MONETARY), source="rfm table"
    )
    validate.require_columns(labels, (C.CUSTOMER, C.CLUSTER), source="cluster labels")
    lookup = pd.Series(
        labels[C.CLUSTER].to_numpy(), index=labels[C.CUSTOMER].astype("str").to_numpy()
    )
    cluster = lookup.reindex(table[C.CUSTOMER].astype("str").to_numpy())
    if cluster.isna().any():
        raise DataValidationError(
            f"cluster labels: {int(cluster.isna().sum())} customers of the RFM table have no label"
        )
    cluster = cluster.to_numpy(dtype=np.int64)
    recency = table[C.RECENCY].to_numpy(dtype=np.float64)
    frequency = table[C.FREQUENCY].to_numpy(dtype=np.float64)
    monetary = table[C.MONETARY].to_numpy(dtype=np.float64)
    figure = new_figure(WIDE)
    figure.suptitle(f"k-means clusters (k = {int(cluster.max()) + 1}) on log RFM")
    left = labelled_axes(
        figure, "Recency vs frequency", "days since the last purchase", "invoices", 1, 2, 1
    )
    right = labelled_axes(
        figure, "Frequency vs monetary value", "invoices", f"net revenue, {currency}", 1, 2, 2
    )
    for k in np.unique(cluster):
        mine = cluster == k
        style = {
            "s": 6,
            "alpha": 0.45,
            "color": f"C{k % 10}",
            "label": f"cluster {k} ({mine.sum():,})",
        }
        left.scatter(recency[mine], frequency[mine], **style)
        spent = mine & (monetary > 0)
        right.scatter(frequency[spent], monetary[spent], **style)
    for axes in (left, right):
        axes.set_xscale("log")
        axes.set_yscale("log")
    right.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    right.legend(loc="lower right", markerscale=3, fontsize="small")
    return figure


def silhouette(clustering: segment.Clustering) -> Figure:
    """How well the clusters separate: mean silhouette per k, and per customer at the chosen k.

    Parameters
    ----------
    clustering : aftersales.segment.Clustering
        Output of :func:`aftersales.segment.cluster_customers`.

    Returns
    -------
    matplotlib.figure.Figure
        Left: mean silhouette (and within-cluster sum of squares) for each k tried, the
        chosen k marked. Right: the classic silhouette plot, each cluster's customers
        sorted by their silhouette value, with the mean as a dashed line.
    """
    scores = clustering.silhouette
    figure = new_figure(WIDE)
    left = labelled_axes(figure, "Choosing k", "number of clusters k", "mean silhouette", 1, 2, 1)
    left.plot(scores[C.K], scores[C.SILHOUETTE], marker="o", color="tab:blue", label="silhouette")
    chosen = scores[scores[C.K] == clustering.k]
    left.scatter(
        chosen[C.K],
        chosen[C.SILHOUETTE],
        s=120,
        facecolors="none",
        edgecolors="tab:red",
        zorder=3,
        label=f"chosen k = {clustering.k}",
    )
    elbow = twin_y(left, "within-cluster sum of squares (dashed)")
    elbow.plot(scores[C.K], scores[C.INERTIA], marker=".", linestyle="--", color="tab:grey")
    left.legend(loc="upper right")
    right = labelled_axes(
        figure,
        f"Silhouette of each customer (k = {clustering.k})",
        "silhouette value",
        "customers, by cluster",
        1,
        2,
        2,
    )
    labels = clustering.labels[C.CLUSTER].to_numpy()
    values = clustering.labels[C.SILHOUETTE].to_numpy(dtype=np.float64)
    bottom = 0
    for k in range(clustering.k):
        mine = np.sort(values[labels == k])
        rows = np.arange(bottom, bottom + len(mine))
        right.fill_betweenx(rows, 0, mine, color=f"C{k % 10}", alpha=0.8, linewidth=0)
        right.text(-0.05, bottom + len(mine) / 2, str(k), ha="right", va="center")
        bottom += len(mine) + max(len(values) // 50, 1)
    right.axvline(
        float(values.mean()), color="tab:red", linestyle="--", label=f"mean {values.mean():.3f}"
    )
    right.set_yticks([])
    right.legend(loc="lower right")
    return figure
