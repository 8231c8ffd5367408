"""Figures of the retention analysis (notebook 03.04).

Each function returns a :class:`matplotlib.figure.Figure` built with the object API (no
pyplot state), with a title, labelled axes and units.
"""

from __future__ import annotations

from aftersales.plots.retention._figures import auc_intervals, calibration_curve, gain_chart

__all__ = ["auc_intervals", "calibration_curve", "gain_chart"]
