"""Return rates with intervals, time to return, returned against sold, return shares."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import ParameterError
from aftersales.plots._base import labelled_axes, new_figure

SIZE = (7.5, 4.2)
TALL = (10.0, 5.5)

MEASURES = {
    "value": (C.VALUE_RATE, C.VALUE_CI_LOW, C.VALUE_CI_HIGH, "share of the value sold returned"),
    "units": (C.UNIT_RATE, C.UNIT_CI_LOW, C.UNIT_CI_HIGH, "share of the units sold returned"),
}
"""Rate, interval columns and axis label of each measure of :func:`rate_intervals`."""

LABEL_CHARS = 28
"""Longest item description written beside a point (longer ones are cut)."""


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "\u2026"


def rate_intervals(
    rates: pd.DataFrame, by: str, *, measure: str = "value", title: str = "Return rate"
) -> Figure:
    """Return rate of each group as a bar with its bootstrap interval.

    Parameters
    ----------
    rates : pandas.DataFrame
        :func:`aftersales.returns.return_rates` (or a selection of its rows), in the order
        to draw them, the first on top.
    by : str
        The group column, e.g. ``C.SEGMENT``.
    measure : {"value", "units"}, default "value"
        Which rate to draw.
    title : str, default "Return rate"
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        Horizontal bars labelled with the group's customers, interval whiskers.

    Raises
    ------
    ParameterError
        If ``measure`` is unknown.
    DataValidationError
        If a column is missing.
    """
    if measure not in MEASURES:
        raise ParameterError(f"`measure` must be one of {list(MEASURES)}; got {measure!r}")
    rate, low, high, label = MEASURES[measure]
    validate.require_columns(rates, (by, C.N_CUSTOMERS, rate, low, high), source="return rates")
    figure = new_figure(SIZE)
    axes = labelled_axes(figure, title, f"{label} (95 % interval)", "")
    values = rates[rate].to_numpy(dtype=np.float64)
    errors = np.vstack(
        [
            np.clip(values - rates[low].to_numpy(dtype=np.float64), 0, None),
            np.clip(rates[high].to_numpy(dtype=np.float64) - values, 0, None),
        ]
    )
    position = np.arange(len(rates))[::-1]
    axes.barh(position, values, xerr=errors, color="tab:orange", capsize=3, alpha=0.85)
    labels = [f"{g} ({int(n):,})" for g, n in zip(rates[by], rates[C.N_CUSTOMERS], strict=True)]
    axes.set_yticks(position, labels)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    return figure


def time_to_return(days: np.ndarray, quantiles: pd.DataFrame) -> Figure:
    """Histogram of the days from purchase to return, with the quartiles marked.

    Parameters
    ----------
    days : numpy.ndarray
        Days to return of the matched rows (:func:`aftersales.returns.return_days`).
    quantiles : pandas.DataFrame
        :func:`aftersales.returns.time_to_return`; its 0.25, 0.5 and 0.75 rows are drawn
        when present.

    Returns
    -------
    matplotlib.figure.Figure
        One panel, returns per day bin.

    Raises
    ------
    DataValidationError
        If a column is missing or there is no day to draw.
    """
    validate.require_columns(quantiles, (C.QUANTILE, C.DAYS), source="time-to-return quantiles")
    values = np.asarray(days, dtype=np.float64)
    validate.require_rows(pd.DataFrame({C.DAYS: values}), source="days to return")
    figure = new_figure(SIZE)
    axes = labelled_axes(
        figure,
        f"Time to return of {len(values):,} matched returns",
        "days from purchase to return",
        "matched returns",
    )
    top = max(float(values.max()), 1.0)
    axes.hist(values, bins=np.linspace(0, top, 50), color="tab:blue", edgecolor="white")
    styles = {0.25: ":", 0.5: "-", 0.75: ":"}
    for level, day in zip(quantiles[C.QUANTILE], quantiles[C.DAYS], strict=True):
        style = styles.get(round(float(level), 6))
        if style:
            axes.axvline(day, color="black", linestyle=style, label=f"{level:.0%} quantile")
    if axes.get_legend_handles_labels()[0]:
        axes.legend()
    return figure


def returned_vs_sold(items: pd.DataFrame, *, labels: int = 10) -> Figure:
    """Units returned against units sold per item (log scales), the most returned labelled.

    Items with no return cannot sit on a log axis and are left out; dashed lines mark
    return rates of 1 %, 10 % and 100 %. The labels stand in a numbered column right of the
    panel, each joined to its point by a thin line.

    Parameters
    ----------
    items : pandas.DataFrame
        :func:`aftersales.returns.ranked_items`, ranked by returned units (the first
        ``labels`` rows are labelled).
    labels : int, default 10
        How many items to label with their description.

    Returns
    -------
    matplotlib.figure.Figure
        One scatter panel.

    Raises
    ------
    ParameterError
        If ``labels`` is negative.
    DataValidationError
        If a column is missing or no item has a return.
    """
    if isinstance(labels, bool) or not isinstance(labels, int) or labels < 0:
        raise ParameterError(f"`labels` must be an integer >= 0; got {labels!r}")
    needed = (C.DESCRIPTION, C.SOLD_UNITS, C.RETURNED_UNITS)
    validate.require_columns(items, needed, source="item rates")
    shown = items[items[C.RETURNED_UNITS] > 0]
    validate.require_rows(shown, source="items with returns")
    sold = shown[C.SOLD_UNITS].to_numpy(dtype=np.float64)
    back = shown[C.RETURNED_UNITS].to_numpy(dtype=np.float64)
    figure = new_figure(TALL)
    axes = labelled_axes(
        figure,
        f"Returned against sold, {len(shown):,} items with returns",
        "units sold before netting (log scale)",
        "units returned (log scale)",
    )
    axes.scatter(sold, back, s=10, alpha=0.5, color="tab:blue")
    span = np.array([min(sold.min(), back.min()), sold.max()])
    for rate in (0.01, 0.1, 1.0):
        axes.plot(span, rate * span, color="grey", linestyle="--", linewidth=0.8)
        axes.annotate(f"{rate:.0%}", (span[1], rate * span[1]), fontsize="small", color="grey")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_ylim(back.min() / 2, back.max() * 2)  # the rate lines run on below the points
    top = shown.head(labels)
    for k, row in enumerate(top.itertuples(index=False)):  # at most `labels` annotations
        point = (getattr(row, C.SOLD_UNITS), getattr(row, C.RETURNED_UNITS))
        axes.annotate(
            f"{k + 1}. {_short(str(getattr(row, C.DESCRIPTION)))}",
            point,
            xytext=(1.03, 1 - (k + 0.5) / max(len(top), 1)),
            textcoords="axes fraction",
            fontsize="x-small",
            va="center",
            annotation_clip=False,
            arrowprops={"arrowstyle": "-", "color": "grey", "linewidth": 0.5},
        )
    return figure


def return_shares(customers: pd.DataFrame, *, threshold: float, min_purchases: int) -> Figure:
    """Histogram of the eligible customers' return shares, with the flagging threshold.

    Parameters
    ----------
    customers : pandas.DataFrame
        :attr:`aftersales.returns.Returners.customers`.
    threshold : float
        The share above which customers are flagged.
    min_purchases : int
        Fewest purchase invoices of the customers drawn (the eligible ones).

    Returns
    -------
    matplotlib.figure.Figure
        One panel, customers per share bin (log count scale).

    Raises
    ------
    DataValidationError
        If a column is missing or no customer is eligible.
    """
    validate.require_columns(customers, (C.N_PURCHASES, C.RETURN_SHARE), source="customers")
    eligible = customers[customers[C.N_PURCHASES] >= min_purchases]
    validate.require_rows(eligible, source="eligible customers")
    figure = new_figure(SIZE)
    axes = labelled_axes(
        figure,
        f"Return share of {len(eligible):,} customers with {min_purchases}+ purchases",
        "share of the value bought that was returned",
        "customers (log scale)",
    )
    axes.hist(
        eligible[C.RETURN_SHARE].to_numpy(dtype=np.float64),
        bins=np.linspace(0, 1, 41),
        color="tab:blue",
        edgecolor="white",
    )
    axes.axvline(threshold, color="tab:red", label="flagging threshold")
    axes.set_yscale("log")
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    axes.legend()
    return figure
