"""RFM distributions, segment shares and the segment mix by country."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from aftersales import columns as C
from aftersales import validate
from aftersales.plots._base import labelled_axes, new_figure
from aftersales.plots.segments._common import (
    SEGMENT_COLOURS,
    SIZE,
    WIDE,
    log_bins,
    thousands,
)


def rfm_distributions(table: pd.DataFrame, *, currency: str = "GBP") -> Figure:
    """Histograms of recency, frequency and monetary value, side by side.

    Frequency and monetary value are drawn on logarithmic axes (both are heavily
    right-skewed); customers with zero net revenue are left out of the monetary panel.

    Parameters
    ----------
    table : pandas.DataFrame
        An RFM table (``C.RECENCY`` days, ``C.FREQUENCY`` invoices, ``C.MONETARY``).
    currency : str, default "GBP"
        Unit of monetary value in the axis label.

    Returns
    -------
    matplotlib.figure.Figure
        Three panels.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    validate.require_columns(table, (C.RECENCY, C.FREQUENCY, C.MONETARY), source="rfm table")
    figure = new_figure(WIDE)
    figure.suptitle(f"RFM distributions of {len(table):,} customers")
    recency = table[C.RECENCY].to_numpy(dtype=np.float64)
    frequency = table[C.FREQUENCY].to_numpy(dtype=np.float64)
    monetary = table[C.MONETARY].to_numpy(dtype=np.float64)
    left = labelled_axes(figure, "Recency", "days since the last purchase", "customers", 1, 3, 1)
    left.hist(recency, bins=40, color="tab:blue", edgecolor="white", linewidth=0.3)
    middle = labelled_axes(figure, "Frequency", "invoices (log scale)", "customers", 1, 3, 2)
    positive = frequency[frequency > 0]
    middle.hist(positive, bins=log_bins(positive, 30), color="tab:blue", edgecolor="white")
    middle.set_xscale("log")
    right = labelled_axes(
        figure, "Monetary value", f"net revenue, {currency} (log scale)", "customers", 1, 3, 3
    )
    spent = monetary[monetary > 0]
    right.hist(spent, bins=log_bins(spent), color="tab:blue", edgecolor="white", linewidth=0.3)
    right.set_xscale("log")
    thousands(right)
    return figure


def segment_shares(summary: pd.DataFrame) -> Figure:
    """Share of customers and share of revenue of each segment, as paired bars.

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`aftersales.segment.segment_summary` (``C.SEGMENT``,
        ``C.CUSTOMER_SHARE``, ``C.REVENUE_SHARE``, ``C.N_CUSTOMERS``).

    Returns
    -------
    matplotlib.figure.Figure
        Horizontal bars, the first segment on top, labelled with customer counts.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    needed = (C.SEGMENT, C.N_CUSTOMERS, C.CUSTOMER_SHARE, C.REVENUE_SHARE)
    validate.require_columns(summary, needed, source="segment summary")
    figure = new_figure(SIZE)
    axes = labelled_axes(figure, "Segment size and revenue share", "share of the total", "")
    labels = [
        f"{s} ({n:,})" for s, n in zip(summary[C.SEGMENT], summary[C.N_CUSTOMERS], strict=True)
    ]
    position = np.arange(len(summary))[::-1]
    height = 0.4
    axes.barh(
        position + height / 2, summary[C.CUSTOMER_SHARE].to_numpy(), height, label="customers"
    )
    axes.barh(position - height / 2, summary[C.REVENUE_SHARE].to_numpy(), height, label="revenue")
    axes.set_yticks(position, labels)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    axes.legend(loc="lower right")
    return figure


def segments_by_country(counts: pd.DataFrame) -> Figure:
    """Segment mix per country: one bar per country, split into segment shares.

    Parameters
    ----------
    counts : pandas.DataFrame
        Output of :func:`aftersales.segment.segment_by_country`: index countries,
        ``C.N_CUSTOMERS`` and one column of counts per segment.

    Returns
    -------
    matplotlib.figure.Figure
        100 % stacked horizontal bars (the first country on top), segments coloured by
        :data:`SEGMENT_COLOURS`, countries labelled with their number of customers.

    Raises
    ------
    DataValidationError
        If ``C.N_CUSTOMERS`` is missing.
    """
    validate.require_columns(counts, (C.N_CUSTOMERS,), source="segment counts")
    names = [c for c in counts.columns if c != C.N_CUSTOMERS]
    totals = counts[C.N_CUSTOMERS].to_numpy(dtype=np.float64)
    shares = counts[names].to_numpy(dtype=np.float64) / np.where(totals > 0, totals, 1.0)[:, None]
    figure = new_figure((10.0, 4.6))
    axes = labelled_axes(figure, "Segment mix by country", "share of the country's customers", "")
    position = np.arange(len(counts))[::-1]
    labels = [f"{c} ({int(n):,})" for c, n in zip(counts.index, totals, strict=True)]
    left = np.zeros(len(counts))
    for j, name in enumerate(names):
        colour = SEGMENT_COLOURS.get(name)
        axes.barh(position, shares[:, j], left=left, color=colour, label=name, edgecolor="white")
        left = left + shares[:, j]
    axes.set_yticks(position, labels)
    axes.set_xlim(0, 1)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    axes.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small")
    return figure
