"""Per-arm means of each outcome and their differences to control, with normal intervals."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from aftersales import columns as C
from aftersales.campaign._schema import check_arms, outcomes


def arm_effects(
    frame: pd.DataFrame,
    control: str,
    *,
    metrics: Sequence[str] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Return each arm's mean outcome and its difference to the control arm.

    The mean of a 0/1 outcome is the arm's rate. Intervals are normal (Wald) intervals: the
    arm's mean plus or minus ``z`` standard errors, and for the difference the unpooled
    standard error ``sqrt(s_t^2 / n_t + s_c^2 / n_c)``; the p-value is the two-sided
    z-test of that difference.

    Parameters
    ----------
    frame : pandas.DataFrame
        A campaign frame.
    control : str
        The control arm.
    metrics : sequence of str, optional
        Outcome columns; default every outcome the frame holds.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per metric and arm: ``metric, arm, customers, mean, ci_low, ci_high,
        difference, difference_low, difference_high, p_value`` (control rows: difference 0,
        no interval or p-value).

    Raises
    ------
    ControlArmError, EmptyArmError
        If the control arm is missing or the control is the only arm.
    """
    arms = check_arms(frame, control)
    z = float(stats.norm.ppf((1 + level) / 2))
    grouped = frame.groupby(C.TREATMENT, observed=True)
    rows = []
    for metric in metrics or outcomes(frame):  # a handful of outcomes
        mean = grouped[metric].mean()
        var = grouped[metric].var(ddof=1).fillna(0.0)
        n = grouped[metric].size()
        for arm in arms:
            se = np.sqrt(var[arm] / n[arm])
            diff = mean[arm] - mean[control]
            se_diff = np.sqrt(var[arm] / n[arm] + var[control] / n[control])
            treated = arm != control
            p = 2 * stats.norm.sf(abs(diff) / se_diff) if treated and se_diff > 0 else np.nan
            rows.append(
                {
                    C.METRIC: metric,
                    C.ARM: arm,
                    C.CUSTOMERS: int(n[arm]),
                    C.MEAN: float(mean[arm]),
                    C.CI_LOW: float(mean[arm] - z * se),
                    C.CI_HIGH: float(mean[arm] + z * se),
                    C.DIFFERENCE: float(diff),
                    C.DIFF_LOW: float(diff - z * se_diff) if treated else np.nan,
                    C.DIFF_HIGH: float(diff + z * se_diff) if treated else np.nan,
                    C.P_VALUE: float(p),
                }
            )
    return pd.DataFrame(rows)
