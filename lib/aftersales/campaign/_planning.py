"""The planning table of the retailer's own segments: the lift a campaign on each detects."""

from __future__ import annotations

import pandas as pd

from aftersales import prepare, retention
from aftersales.campaign._power import segment_plan
from aftersales.capabilities import Off
from aftersales.prepare import Preparation


def own_segments_plan(
    preparation: Preparation | None,
    *,
    horizon_weeks: int = 13,
    alpha: float = 0.05,
    power: float = 0.8,
) -> pd.DataFrame | Off:
    """Return :func:`segment_plan` for the RFM segments of a prepared transactions data set.

    Each segment's size and baseline repeat rate come from
    :func:`aftersales.retention.repeat_rates` on the cleaned lines (the share that buys again
    within ``horizon_weeks`` after the calibration end).

    Parameters
    ----------
    preparation : Preparation or None
        The transactions to plan for; None switches the table off.
    horizon_weeks : int, default 13
        The repeat-purchase window (``churn_horizon_weeks``).
    alpha : float, default 0.05
        Two-sided significance level.
    power : float, default 0.8
        Detection probability.

    Returns
    -------
    pandas.DataFrame or Off
        The plan, or a note that the part is switched off.

    Raises
    ------
    ParameterError
        If the horizon is longer than the data after the calibration end.
    """
    if preparation is None:
        return Off("own_segments_plan", ("plan_segments",), "`plan_segments` is false")
    lines = prepare.prepare(preparation).cleaned
    rates = retention.repeat_rates(lines, horizon_weeks=horizon_weeks)
    return segment_plan(rates, alpha=alpha, power=power)
