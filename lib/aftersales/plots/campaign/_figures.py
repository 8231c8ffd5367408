"""Arm rates, covariate balance, Qini and uplift-at-k curves, the profit of targeting."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from aftersales import columns as C
from aftersales import validate
from aftersales.plots import labelled_axes, new_figure

SIZE = (7.5, 4.2)


def arm_rates(effects: pd.DataFrame, binary: Mapping[str, bool]) -> Figure:
    """Draw each arm's mean of every outcome as bars with intervals, one panel per outcome.

    Parameters
    ----------
    effects : pandas.DataFrame
        :func:`aftersales.campaign.arm_effects`.
    binary : Mapping[str, bool]
        Outcome -> whether it is a 0/1 rate (drawn in percent) or an amount per customer.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per outcome, one bar per arm (control first, grey), 95 % whiskers.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    validate.require_columns(
        effects, (C.METRIC, C.ARM, C.MEAN, C.CI_LOW, C.CI_HIGH), source="effects"
    )
    metrics = list(dict.fromkeys(effects[C.METRIC]))
    figure = new_figure((3.6 * len(metrics) + 1, 4.2))
    figure.suptitle("Campaign outcomes by arm (95 % intervals)")
    for index, metric in enumerate(metrics, start=1):  # one panel per outcome
        rows = effects[effects[C.METRIC] == metric]
        rate = binary.get(metric, False)
        ylabel = f"{metric} (% of customers)" if rate else f"{metric} per customer (currency)"
        axes = labelled_axes(figure, metric, "arm", ylabel, 1, len(metrics), index)
        positions = np.arange(len(rows))
        err = np.vstack([rows[C.MEAN] - rows[C.CI_LOW], rows[C.CI_HIGH] - rows[C.MEAN]])
        colours = ["grey", *["tab:blue"] * (len(rows) - 1)]
        axes.bar(positions, rows[C.MEAN], yerr=err, capsize=4, color=colours)
        axes.set_xticks(positions, rows[C.ARM], rotation=20)
        if rate:
            axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    return figure


def balance_dots(balance: pd.DataFrame, *, threshold: float = 0.1) -> Figure:
    """Draw the standardised mean difference of each covariate level, one marker per arm.

    Parameters
    ----------
    balance : pandas.DataFrame
        :func:`aftersales.campaign.balance`.
    threshold : float, default 0.1
        Drawn as dashed lines at plus and minus its value.

    Returns
    -------
    matplotlib.figure.Figure
        Covariates on the vertical axis, SMD on the horizontal.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    validate.require_columns(balance, (C.ARM, C.COVARIATE, C.SMD), source="balance")
    names = list(dict.fromkeys(balance[C.COVARIATE]))
    height = max(3.0, 0.22 * len(names) + 1.2)
    figure = new_figure((7.5, height))
    axes = labelled_axes(
        figure,
        "Covariate balance: treated arm against control",
        "standardised mean difference (pooled standard deviations)",
        "covariate (level)",
    )
    where = {name: i for i, name in enumerate(names)}
    for arm, rows in balance.groupby(C.ARM, sort=True):  # one marker series per treated arm
        axes.plot(rows[C.SMD], rows[C.COVARIATE].map(where), "o", label=str(arm))
    axes.set_yticks(range(len(names)), names)
    axes.invert_yaxis()
    for x in (-threshold, threshold):
        axes.axvline(x, linestyle="--", color="grey")
    axes.legend(loc="lower right")
    return figure


def qini_curve(curves: pd.DataFrame, *, arm: str, outcome: str) -> Figure:
    """Draw the Qini curve with its interval band against the random-targeting line.

    Parameters
    ----------
    curves : pandas.DataFrame
        :func:`aftersales.campaign.uplift_curves`.
    arm, outcome : str
        Named in the title.

    Returns
    -------
    matplotlib.figure.Figure
        Incremental outcomes against the share of held-out customers targeted.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    validate.require_columns(
        curves, (C.FRACTION, "qini", "qini_low", "qini_high", C.RANDOM), source="curves"
    )
    figure = new_figure(SIZE)
    axes = labelled_axes(
        figure,
        f"Qini curve: {arm}, {outcome} (held-out customers)",
        "customers targeted (% of held-out customers, by predicted uplift)",
        f"incremental {outcome} (sum over the targeted customers)",
    )
    x = curves[C.FRACTION]
    axes.fill_between(x, curves["qini_low"], curves["qini_high"], alpha=0.25, label="95 % interval")
    axes.plot(x, curves["qini"], marker="o", label="T-learner")
    axes.plot(x, curves[C.RANDOM], linestyle="--", color="grey", label="random targeting")
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    axes.legend(loc="lower right")
    return figure


def uplift_at_k(curves: pd.DataFrame, *, arm: str, outcome: str) -> Figure:
    """Draw the uplift among the top-ranked customers against the overall uplift.

    Parameters
    ----------
    curves : pandas.DataFrame
        :func:`aftersales.campaign.uplift_curves`.
    arm, outcome : str
        Named in the title.

    Returns
    -------
    matplotlib.figure.Figure
        Uplift (treated minus control mean) among the top share, with its interval.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    validate.require_columns(
        curves, (C.FRACTION, "uplift", "uplift_low", "uplift_high"), source="curves"
    )
    rows = curves[curves[C.FRACTION] > 0]
    figure = new_figure(SIZE)
    axes = labelled_axes(
        figure,
        f"Uplift at k: {arm}, {outcome} (held-out customers)",
        "customers targeted (% of held-out customers, by predicted uplift)",
        f"uplift in {outcome} (treated minus control, per customer)",
    )
    x = rows[C.FRACTION]
    axes.fill_between(x, rows["uplift_low"], rows["uplift_high"], alpha=0.25, label="95 % interval")
    axes.plot(x, rows["uplift"], marker="o", label="T-learner top k")
    axes.plot(x, rows["random_uplift"], linestyle="--", color="grey", label="random targeting")
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    axes.legend(loc="upper right")
    return figure


def profit_curve(profit: pd.DataFrame, *, best: float) -> Figure:
    """Draw the profit of contacting the top share, with its interval and the best share.

    Parameters
    ----------
    profit : pandas.DataFrame
        :func:`aftersales.campaign.targeting_profit`.
    best : float
        The profit-maximising share, marked with a vertical line.

    Returns
    -------
    matplotlib.figure.Figure
        Profit (currency units) against the share contacted.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    validate.require_columns(
        profit, (C.FRACTION, C.PROFIT, "profit_low", "profit_high"), source="profit"
    )
    figure = new_figure(SIZE)
    axes = labelled_axes(
        figure,
        "Profit of targeting the top customers by predicted uplift",
        "customers contacted (% of the population, by predicted uplift)",
        "profit (currency units)",
    )
    x = profit[C.FRACTION]
    axes.fill_between(
        x, profit["profit_low"], profit["profit_high"], alpha=0.25, label="95 % interval"
    )
    axes.plot(x, profit[C.PROFIT], marker="o", label="expected profit")
    axes.axhline(0, color="black", linewidth=0.8)
    axes.axvline(best, linestyle="--", color="tab:red", label="best share")
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    axes.legend(loc="lower left")
    return figure
