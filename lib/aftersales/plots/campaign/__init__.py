"""Figures of the campaign analysis (notebook 04.01).

Each function returns a :class:`matplotlib.figure.Figure` built with the object API (no
pyplot state), with a title, labelled axes and units. They draw; they do not compute.
"""

from __future__ import annotations

from aftersales.plots.campaign._figures import (
    arm_rates,
    balance_dots,
    profit_curve,
    qini_curve,
    uplift_at_k,
)

__all__ = ["arm_rates", "balance_dots", "profit_curve", "qini_curve", "uplift_at_k"]
