"""Figures of the "buy again" check (aftersales.replenish): they draw, they do not compute."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from aftersales import columns as C
from aftersales import validate
from aftersales.plots._base import labelled_axes, new_figure

SIZE = (7.5, 4.0)


def hit_rate_by_overdue(
    rates: pd.DataFrame, *, window_days: int, base_rate: float | None = None
) -> Figure:
    """Bar chart: share of repeat pairs bought in the window, by days overdue at the cut-off.

    Parameters
    ----------
    rates : pandas.DataFrame
        ``replenish.hit_rate_by_overdue(...)``: ``C.DAYS_OVERDUE`` (bin labels),
        ``C.N_PAIRS``, ``C.PRECISION`` (share in [0, 1]; NaN bins are drawn empty).
    window_days : int
        Length of the window, for the title.
    base_rate : float, optional
        Share of all repeat pairs bought in the window, drawn as a dashed line.

    Returns
    -------
    matplotlib.figure.Figure
        Bars in percent, each labelled with its number of pairs.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or ``rates`` is empty.
    """
    source = "plots.replenish.hit_rate_by_overdue: `rates`"
    validate.require_columns(rates, (C.DAYS_OVERDUE, C.N_PAIRS, C.PRECISION), source=source)
    validate.require_rows(rates, source=source)
    figure = new_figure(SIZE)
    axes = labelled_axes(
        figure,
        f"Repeat pairs bought again within {window_days} days of the cut-off",
        "days overdue at the cut-off (days; negative: expected later)",
        f"bought in the {window_days}-day window (% of pairs)",
    )
    labels = rates[C.DAYS_OVERDUE].astype(str).tolist()
    heights = 100 * rates[C.PRECISION].to_numpy(dtype="float64")
    bars = axes.bar(labels, np.nan_to_num(heights), color="tab:blue")
    for bar, count in zip(bars, rates[C.N_PAIRS].to_numpy(), strict=True):
        axes.annotate(
            f"n={int(count):,}",
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    if base_rate is not None:
        axes.axhline(100 * base_rate, color="tab:gray", linestyle="--", label="every repeat pair")
        axes.legend(loc="upper right")
    axes.margins(y=0.12)  # room for the counts above the tallest bar
    axes.tick_params(axis="x", labelrotation=30)
    return figure
