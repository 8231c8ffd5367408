"""Figures of the returns analysis (notebook 03.03).

Each function returns a :class:`matplotlib.figure.Figure` built with the object API (no
pyplot state), with a title, labelled axes and units.
"""

from __future__ import annotations

from aftersales.plots.returns._figures import (
    rate_intervals,
    return_shares,
    returned_vs_sold,
    time_to_return,
)

__all__ = ["rate_intervals", "return_shares", "returned_vs_sold", "time_to_return"]
