"""Findings of the campaign analysis (notebook 04.01) in words."""

from __future__ import annotations

import numpy as np
import pandas as pd
from IPython.display import Markdown

from aftersales import columns as C
from aftersales.capabilities import Off
from aftersales.narrate._format import num, paragraph, require, words


def _pct(value: float, digits: int = 2) -> str:
    return f"{100 * value:.{digits}f} %"


def _value(value: float, binary: bool) -> str:
    return _pct(value, 3) if binary else num(value, 3)


def arm_findings(effects: pd.DataFrame, *, binary: dict[str, bool]) -> Markdown:
    """Say each arm's mean outcome and its difference to control, per outcome.

    Parameters
    ----------
    effects : pandas.DataFrame
        :func:`aftersales.campaign.arm_effects`.
    binary : dict
        Outcome -> whether it is a 0/1 rate (written in percent) or an amount.

    Returns
    -------
    IPython.display.Markdown
        One sentence per outcome.

    Raises
    ------
    DataValidationError
        If a column is missing or the table is empty.
    """
    require(
        effects, [C.METRIC, C.ARM, C.MEAN, C.DIFFERENCE, C.DIFF_LOW, C.DIFF_HIGH], what="effects"
    )
    sentences = []
    for metric, rows in effects.groupby(C.METRIC, sort=False):
        rate = binary.get(str(metric), False)
        control, treated = rows.iloc[0], rows.iloc[1:]
        parts = [
            f"{r[C.ARM]} {_value(r[C.MEAN], rate)} (difference "
            f"{_value(r[C.DIFFERENCE], rate)}, 95 % interval {_value(r[C.DIFF_LOW], rate)} to "
            f"{_value(r[C.DIFF_HIGH], rate)})"
            for _, r in treated.iterrows()
        ]
        sentences.append(
            f"**{metric}**: control ({control[C.ARM]}) {_value(control[C.MEAN], rate)}; "
            f"{words(parts)}."
        )
    return paragraph(*sentences)


def srm_findings(result: object) -> Markdown:
    """Say whether the arm sizes match the design.

    Parameters
    ----------
    result : SampleRatio
        :func:`aftersales.campaign.sample_ratio`.

    Returns
    -------
    IPython.display.Markdown
        The statistic, the p-value and the verdict.
    """
    table = result.table
    sizes = words(f"{a} {n:,}" for a, n in zip(table[C.ARM], table[C.CUSTOMERS], strict=True))
    verdict = (
        "**flagged**: the split differs from the design more than chance explains; check the "
        "randomisation and the logging before reading any effect"
        if result.flagged
        else "not flagged: the split is what the design and chance explain"
    )
    return paragraph(
        f"Arm sizes {sizes}: chi-square {num(result.chi2, 2)}, p-value {result.p_value:.3g} "
        f"against the threshold {result.alpha:g}; {verdict}."
    )


def balance_findings(balance: pd.DataFrame, *, threshold: float) -> Markdown:
    """Say the largest standardised mean difference and how many levels exceed the threshold.

    Parameters
    ----------
    balance : pandas.DataFrame
        :func:`aftersales.campaign.balance`.
    threshold : float
        The |SMD| limit.

    Returns
    -------
    IPython.display.Markdown
        The largest |SMD| and the flagged levels.

    Raises
    ------
    DataValidationError
        If a column is missing or the table is empty.
    """
    require(balance, [C.ARM, C.COVARIATE, C.SMD], what="balance")
    top = balance.loc[balance[C.SMD].abs().idxmax()]
    flagged = balance[balance[C.SMD].abs() > threshold]
    tail = (
        f"{len(flagged)} of {len(balance)} exceed |SMD| {threshold:g}: "
        f"{words(flagged[C.COVARIATE] + ' (' + flagged[C.ARM] + ')')}"
        if len(flagged)
        else f"none of the {len(balance)} covariate levels exceeds |SMD| {threshold:g}"
    )
    return paragraph(
        f"The largest imbalance is {top[C.COVARIATE]} in {top[C.ARM]} (SMD "
        f"{top[C.SMD]:+.3f}); {tail}."
    )


def uplift_findings(qini: pd.Series, curves: pd.DataFrame, *, arm: str, outcome: str) -> Markdown:
    """Say the Qini coefficient against random and the uplift among the top tenth and fifth.

    Parameters
    ----------
    qini : pandas.Series
        :func:`aftersales.campaign.qini_coefficient`.
    curves : pandas.DataFrame
        :func:`aftersales.campaign.uplift_curves`.
    arm, outcome : str
        The modelled arm and outcome.

    Returns
    -------
    IPython.display.Markdown
        Two sentences.
    """
    better = qini[C.CI_LOW] > 0
    verdict = (
        "its interval lies above 0, so the ranking beats random targeting"
        if better
        else "its interval includes 0, so the ranking is not shown to beat random targeting"
    )
    top = curves.set_index(C.FRACTION)
    parts = [
        f"the top {100 * f:.0f} % {top.loc[f, 'uplift']:.4f} (95 % interval "
        f"{top.loc[f, 'uplift_low']:.4f} to {top.loc[f, 'uplift_high']:.4f})"
        for f in (0.1, 0.2)
        if f in top.index
    ]
    return paragraph(
        f"On {int(qini['customers']):,} held-out customers ({arm} against control, {outcome}), "
        f"the Qini coefficient of the T-learner is {qini['qini']:.5f} incremental {outcome} per "
        f"customer (95 % interval {qini[C.CI_LOW]:.5f} to {qini[C.CI_HIGH]:.5f}); random "
        f"targeting scores 0 by construction, and {verdict}.",
        f"Uplift among {words(parts)}, against {top['random_uplift'].iloc[-1]:.4f} for "
        "random targeting.",
    )


def profit_findings(best: object, *, population: int, cost: float, margin: float) -> Markdown:
    """Say the profit-maximising share and what contacting everyone would earn.

    Parameters
    ----------
    best : BestTarget
        :func:`aftersales.campaign.best_target`.
    population : int
        Customers who could be contacted.
    cost, margin : float
        Cost per contact and value per unit of outcome.

    Returns
    -------
    IPython.display.Markdown
        One paragraph.
    """
    share = "nobody" if best.fraction == 0 else f"the top {100 * best.fraction:.0f} %"
    return paragraph(
        f"With a cost of {num(cost, 2)} per contact and {num(margin, 2)} per unit of outcome, "
        f"contacting {share} of {population:,} customers maximises the expected profit: "
        f"{num(best.profit, 0)} (95 % interval {num(best.profit_low, 0)} to "
        f"{num(best.profit_high, 0)}), against {num(best.everyone, 0)} for contacting everyone."
    )


def power_findings(table: pd.DataFrame, *, alpha: float, power: float) -> Markdown:
    """Say the customers per arm each lift needs and what the simulation reached.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`aftersales.campaign.power_table`.
    alpha, power : float
        The planned significance level and power.

    Returns
    -------
    IPython.display.Markdown
        One paragraph.

    Raises
    ------
    DataValidationError
        If a column is missing or the table is empty.
    """
    require(table, ["baseline", "lift", "customers_per_arm", "simulated_power"], what="power")
    parts = [
        f"{_pct(r.lift, 3)} ({100 * r.relative_lift:.0f} % of the baseline) needs "
        f"{r.customers_per_arm:,} per arm (simulated power {r.simulated_power:.3f})"
        for r in table.itertuples(index=False)
    ]
    gap = float(np.max(np.abs(table["simulated_power"] - power)))
    return paragraph(
        f"From a baseline of {_pct(table['baseline'].iloc[0], 3)}, at alpha {alpha:g} and power "
        f"{power:g}, a lift of {words(parts)}; the simulated power is at most {gap:.3f} away "
        "from the planned one."
    )


def plan_findings(plan: pd.DataFrame | Off) -> Markdown | Off:
    """Say which segments a campaign could test sensitively and which are too small.

    Parameters
    ----------
    plan : pandas.DataFrame or Off
        :func:`aftersales.campaign.segment_plan`; an :class:`Off` note is returned as it is.

    Returns
    -------
    IPython.display.Markdown or Off
        The segment with the smallest and the largest detectable relative lift.

    Raises
    ------
    DataValidationError
        If a column is missing or the table is empty.
    """
    if isinstance(plan, Off):
        return plan
    require(plan, [C.SEGMENT, "detectable_lift", "relative_lift"], what="segment plan")
    usable = plan.dropna(subset=["detectable_lift"])
    if usable.empty:
        return paragraph(
            "No segment is large enough, with a repeat rate strictly between 0 and 1, "
            "to plan a test."
        )
    low = usable.loc[usable["relative_lift"].idxmin()]
    high = usable.loc[usable["relative_lift"].idxmax()]
    return paragraph(
        f"Split in two equal arms, {low[C.SEGMENT]} ({low[C.CUSTOMERS]:,} customers, repeat rate "
        f"{_pct(low['repeat_rate'], 1)}) detects a lift of {_pct(low['detectable_lift'], 1)}; "
        f"{high[C.SEGMENT]} ({high[C.CUSTOMERS]:,} customers) needs "
        f"{_pct(high['detectable_lift'], 1)} over its {_pct(high['repeat_rate'], 1)}."
    )
