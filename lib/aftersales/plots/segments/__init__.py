"""Figures of customer segmentation and lifetime value (notebook 03.00).

Each function returns a :class:`matplotlib.figure.Figure` built with the object API (no
pyplot state), with a title, labelled axes and units.
"""

from __future__ import annotations

from aftersales.plots.segments._clusters import cluster_scatter, silhouette
from aftersales.plots.segments._common import SEGMENT_COLOURS
from aftersales.plots.segments._segments import (
    rfm_distributions,
    segment_shares,
    segments_by_country,
)
from aftersales.plots.segments._value import clv_distribution, holdout

__all__ = [
    "SEGMENT_COLOURS",
    "cluster_scatter",
    "clv_distribution",
    "holdout",
    "rfm_distributions",
    "segment_shares",
    "segments_by_country",
    "silhouette",
]
