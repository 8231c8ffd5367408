"""Customer lifetime value and the BG/NBD calibration/holdout check."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from aftersales import clv
from aftersales import columns as C
from aftersales.plots._base import labelled_axes, new_figure
from aftersales.plots.segments._common import SIZE, log_bins, thousands


def clv_distribution(values: pd.Series, *, months: int, currency: str = "GBP") -> Figure:
    """Histogram of customer lifetime value on a logarithmic axis, median and mean marked.

    Parameters
    ----------
    values : pandas.Series
        Lifetime value per customer (``C.CLV``).
    months : int
        The horizon, for the axis label.
    currency : str, default "GBP"
        Unit of value.

    Returns
    -------
    matplotlib.figure.Figure
        The histogram; the title gives the share of value held by the top 10 % of
        customers.
    """
    data = np.asarray(values, dtype=np.float64)
    ordered = np.sort(data)[::-1]
    top = (
        ordered[: max(int(np.ceil(len(data) * 0.1)), 1)].sum() / ordered.sum()
        if ordered.sum()
        else np.nan
    )
    figure = new_figure(SIZE)
    axes = labelled_axes(
        figure,
        f"Expected {months}-month customer lifetime value (top 10 % of customers: {top:.0%})",
        f"discounted expected revenue, {currency} (log scale)",
        "customers",
    )
    positive = data[data > 0]
    axes.hist(
        positive, bins=log_bins(positive, 50), color="tab:blue", edgecolor="white", linewidth=0.3
    )
    axes.set_xscale("log")
    thousands(axes)
    axes.axvline(float(np.median(data)), color="tab:orange", label=f"median {np.median(data):,.0f}")
    axes.axvline(
        float(data.mean()), color="tab:red", linestyle="--", label=f"mean {data.mean():,.0f}"
    )
    axes.legend(loc="upper right")
    return figure


def holdout(check: clv.HoldoutCheck, *, time_unit: str = "weeks", max_frequency: int = 7) -> Figure:
    """Predicted vs actual holdout purchases per calibration-frequency group.

    Parameters
    ----------
    check : aftersales.clv.HoldoutCheck
        Output of :func:`aftersales.clv.calibration_holdout`.
    time_unit : str, default "weeks"
        The unit of the check, for the horizon in the title.
    max_frequency : int, default 7
        The ``max_frequency`` of the check: a last group at this value is labelled "7+".

    Returns
    -------
    matplotlib.figure.Figure
        Mean purchase days per customer in the holdout period, BG/NBD against actual, for
        each number of repeat purchases in the calibration period (the last group pools
        that many or more); the title carries the error figures.
    """
    groups = check.by_frequency
    x = groups[C.FREQUENCY].to_numpy()
    counts = groups[C.N_CUSTOMERS].to_numpy()
    ticks = [f"{v}\n({n:,})" for v, n in zip(x, counts, strict=True)]
    if ticks and x[-1] == max_frequency:
        ticks[-1] = f"{x[-1]}+\n({counts[-1]:,})"
    figure = new_figure(SIZE)
    axes = labelled_axes(
        figure,
        f"BG/NBD holdout check over {check.horizon:g} {time_unit}: total error "
        f"{check.relative_error:+.1%}, MAE {check.mae:.3f} (naive {check.baseline_mae:.3f})",
        "repeat purchase days in the calibration period (customers)",
        "mean purchase days per customer in holdout",
    )
    axes.plot(x, groups[C.ACTUAL], marker="o", color="tab:blue", label="actual")
    axes.plot(
        x, groups[C.PREDICTED], marker="s", linestyle="--", color="tab:orange", label="BG/NBD"
    )
    axes.set_xticks(x, ticks)
    axes.legend(loc="upper left")
    axes.title.set_fontsize("medium")
    return figure
