"""Shared sizes, colours and axes helpers of the segmentation figures."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from aftersales import segment

WIDE = (11.0, 3.8)
SIZE = (7.5, 4.2)

SEGMENT_COLOURS: dict[str, str] = dict(
    zip(
        segment.SEGMENTS,
        (
            "#1b7837",  # Champions
            "#5aae61",  # Loyal Customers
            "#a6dba0",  # Potential Loyalists
            "#4393c3",  # New Customers
            "#92c5de",  # Promising
            "#fee08b",  # Need Attention
            "#fdae61",  # About to Sleep
            "#f46d43",  # At Risk
            "#d73027",  # Can't Lose Them
            "#bababa",  # Hibernating
            "#878787",  # Lost
        ),
        strict=True,
    )
)
"""A fixed colour per segment: greens for healthy relationships, reds for ones at risk."""


def log_bins(values: np.ndarray, n: int = 40) -> np.ndarray:
    """Return ``n`` log-spaced bin edges spanning the positive ``values``."""
    low, high = float(values.min()), float(values.max())
    if high <= low:
        return np.array([low * 0.9, high * 1.1])
    edges = np.logspace(np.log10(low), np.log10(high), n)
    edges[0], edges[-1] = low, high  # round-off in logspace could leave the extremes out
    return edges


def thousands(axes: Axes) -> None:
    """Write x tick labels with thousands separators."""
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
