"""Retention: who is about to stop buying, how well scores find them, and whom to contact.

Typical use on cleaned transactions::

    from aftersales import retention

    retention.repeat_rates(lines, horizon_weeks=13)     # per RFM segment
    retention.labels(lines, horizon_weeks=13)           # buys again in the holdout?

The calibration period is every day before ``calibration_end``; the holdout is the
``horizon_weeks`` weeks from it. Time is counted in whole UTC calendar days.
"""

from __future__ import annotations

from aftersales.retention._labels import DEFAULT_HORIZON_WEEKS, Cut, cut, labels
from aftersales.retention._rates import repeat_rates

__all__ = [
    "DEFAULT_HORIZON_WEEKS",
    "Cut",
    "cut",
    "labels",
    "repeat_rates",
]
