"""Planning: customers per arm to detect a lift in a rate, checked by simulation."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

from aftersales import columns as C
from aftersales.errors import ParameterError
from aftersales.random import Seed, rng


def _check(baseline: float, alpha: float, power: float) -> None:
    if not 0 < baseline < 1:
        raise ParameterError(f"`baseline` must be a rate in (0, 1); got {baseline!r}")
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ParameterError(f"`alpha` and `power` must be in (0, 1); got {alpha!r}, {power!r}")


def sample_size(baseline: float, lift: float, *, alpha: float = 0.05, power: float = 0.8) -> int:
    """Return customers per arm to detect an absolute ``lift`` over a ``baseline`` rate.

    Two equal arms, a two-sided test of proportions on the arcsine scale (Cohen's ``h``,
    statsmodels' ``NormalIndPower``): ``n = 2 ((z_(1-alpha/2) + z_power) / h)^2``.

    Parameters
    ----------
    baseline : float
        The control arm's rate.
    lift : float
        The absolute difference to detect (percentage points as a share, e.g. 0.01).
    alpha : float, default 0.05
        Two-sided significance level.
    power : float, default 0.8
        Probability of detecting the lift when it is real.

    Returns
    -------
    int
        Customers per arm, rounded up.

    Raises
    ------
    ParameterError
        If a rate or probability is out of range or ``baseline + lift`` is not in (0, 1).
    """
    _check(baseline, alpha, power)
    if lift == 0 or not 0 < baseline + lift < 1:
        raise ParameterError(
            f"`lift` must be non-zero with baseline + lift in (0, 1); got {lift!r}"
        )
    h = abs(proportion_effectsize(baseline + lift, baseline))
    n = NormalIndPower().solve_power(effect_size=h, alpha=alpha, power=power, ratio=1.0)
    return int(np.ceil(n))


def detectable_lift(
    baseline: float, customers_per_arm: int, *, alpha: float = 0.05, power: float = 0.8
) -> float:
    """Return the smallest absolute lift a campaign of this size detects (upwards).

    Inverts :func:`sample_size`: ``h`` from statsmodels for the given size, then
    ``p = sin(arcsin(sqrt(baseline)) + h / 2)^2``.

    Parameters
    ----------
    baseline : float
        The control arm's rate.
    customers_per_arm : int
        Customers in each of two arms.
    alpha : float, default 0.05
        Two-sided significance level.
    power : float, default 0.8
        Detection probability.

    Returns
    -------
    float
        The lift (a share); NaN when even a rate of 1 could not be told apart.

    Raises
    ------
    ParameterError
        If a value is out of range or ``customers_per_arm`` is below 2.
    """
    _check(baseline, alpha, power)
    if customers_per_arm < 2:
        raise ParameterError(f"`customers_per_arm` must be at least 2; got {customers_per_arm!r}")
    h = NormalIndPower().solve_power(
        effect_size=None, nobs1=customers_per_arm, alpha=alpha, power=power, ratio=1.0
    )
    angle = np.arcsin(np.sqrt(baseline)) + h / 2
    if angle > np.pi / 2:
        return float("nan")
    return float(np.sin(angle) ** 2 - baseline)


def simulated_power(
    baseline: float,
    lift: float,
    customers_per_arm: int,
    *,
    alpha: float = 0.05,
    n_simulations: int = 2000,
    seed: Seed,
) -> float:
    """Return the share of simulated campaigns in which the arcsine test detects the lift.

    Each simulation draws the control's and the treated arm's positives (binomial), and
    rejects when ``|2 (arcsin sqrt p_t - arcsin sqrt p_c)| / sqrt(2 / n) > z_(1-alpha/2)``
    and the treated rate is higher.

    Parameters
    ----------
    baseline, lift : float
        The control rate and the true absolute lift.
    customers_per_arm : int
        Customers in each arm.
    alpha : float, default 0.05
        Two-sided significance level.
    n_simulations : int, default 2000
        Simulated campaigns.
    seed : int or numpy.random.Generator
        Seed of the draws.

    Returns
    -------
    float
        The empirical power.

    Raises
    ------
    ParameterError
        If a value is out of range.
    """
    _check(baseline, alpha, 0.5)
    if n_simulations < 1 or customers_per_arm < 1:
        raise ParameterError("`n_simulations` and `customers_per_arm` must be positive")
    generator = rng(seed)
    n = customers_per_arm
    control = generator.binomial(n, baseline, size=n_simulations) / n
    treated = generator.binomial(n, baseline + lift, size=n_simulations) / n
    h = 2 * (np.arcsin(np.sqrt(treated)) - np.arcsin(np.sqrt(control)))
    z = h / np.sqrt(2 / n)
    critical = stats.norm.ppf(1 - alpha / 2)
    return float(np.mean(np.sign(z) * np.sign(lift) * np.abs(z) > critical))


def power_table(
    baseline: float,
    relative_lifts: Sequence[float],
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    n_simulations: int = 2000,
    seed: Seed,
) -> pd.DataFrame:
    """Return customers per arm for each lift, with the power a simulation of that size reaches.

    Parameters
    ----------
    baseline : float
        The control rate.
    relative_lifts : sequence of float
        Lifts to plan for, relative to the baseline (0.1: a tenth more).
    alpha : float, default 0.05
        Two-sided significance level.
    power : float, default 0.8
        Target power.
    n_simulations : int, default 2000
        Simulated campaigns per lift.
    seed : int or numpy.random.Generator
        Seed of the simulations.

    Returns
    -------
    pandas.DataFrame
        ``baseline, lift, relative_lift, customers_per_arm, simulated_power``.

    Raises
    ------
    ParameterError
        If a value is out of range.
    """
    generator = rng(seed)
    rows = []
    for relative in relative_lifts:  # a handful of planned lifts
        lift = baseline * relative
        n = sample_size(baseline, lift, alpha=alpha, power=power)
        rows.append(
            {
                "baseline": baseline,
                "lift": lift,
                "relative_lift": relative,
                "customers_per_arm": n,
                "simulated_power": simulated_power(
                    baseline, lift, n, alpha=alpha, n_simulations=n_simulations, seed=generator
                ),
            }
        )
    return pd.DataFrame(rows)


def segment_plan(
    rates: pd.DataFrame, *, alpha: float = 0.05, power: float = 0.8, treated_share: float = 0.5
) -> pd.DataFrame:
    """Return, per customer segment, the lift a campaign on the whole segment could detect.

    A campaign that randomises a segment's customers into a treated share and a control
    (equal arms: the smaller arm's size is used) detects the :func:`detectable_lift` over
    the segment's baseline repeat rate.

    Parameters
    ----------
    rates : pandas.DataFrame
        ``segment, customers, repeat_rate`` (from ``aftersales.retention.repeat_rates``).
    alpha : float, default 0.05
        Two-sided significance level.
    power : float, default 0.8
        Detection probability.
    treated_share : float, default 0.5
        Share of each segment contacted.

    Returns
    -------
    pandas.DataFrame
        ``segment, customers, repeat_rate, customers_per_arm, detectable_lift,
        relative_lift``; NaN where the segment is too small or its rate is 0 or 1.

    Raises
    ------
    ParameterError
        If ``treated_share`` is not in (0, 1).
    """
    if not 0 < treated_share < 1:
        raise ParameterError(f"`treated_share` must be in (0, 1); got {treated_share!r}")
    rows = []
    for row in rates.itertuples(index=False):  # eleven segments
        per_arm = int(row.customers * min(treated_share, 1 - treated_share))
        usable = per_arm >= 2 and 0 < row.repeat_rate < 1
        lift = (
            detectable_lift(row.repeat_rate, per_arm, alpha=alpha, power=power)
            if usable
            else np.nan
        )
        rows.append(
            {
                C.SEGMENT: row.segment,
                C.CUSTOMERS: int(row.customers),
                "repeat_rate": float(row.repeat_rate),
                "customers_per_arm": per_arm,
                "detectable_lift": lift,
                "relative_lift": lift / row.repeat_rate if usable else np.nan,
            }
        )
    return pd.DataFrame(rows)
