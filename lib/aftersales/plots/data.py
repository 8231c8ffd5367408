"""Figures of the data (notebook 01.00): bars, histograms, timelines, the long tail, audits."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from aftersales.plots._base import single_axes


def bars(
    values: pd.Series,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    horizontal: bool = False,
    log: bool = False,
) -> Figure:
    """Bar chart of a labelled series.

    Parameters
    ----------
    values : pandas.Series
        Bar heights, indexed by label.
    title, xlabel, ylabel : str
        Title and axis labels (give units in the labels).
    horizontal : bool, default False
        Draw horizontal bars (long labels), first label on top.
    log : bool, default False
        Logarithmic value axis.

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    figure, axes = single_axes(title, xlabel, ylabel)
    labels = [str(v) for v in values.index]
    if horizontal:
        axes.barh(labels[::-1], values.to_numpy()[::-1], color="tab:blue")
        if log:
            axes.set_xscale("log")
    else:
        axes.bar(labels, values.to_numpy(), color="tab:blue")
        if log:
            axes.set_yscale("log")
        if len(labels) > 8:
            axes.tick_params(axis="x", labelrotation=45)
    return figure


def histogram(
    values: pd.Series | np.ndarray,
    *,
    title: str,
    xlabel: str,
    ylabel: str = "count",
    bins: int | np.ndarray = 50,
    logx: bool = False,
    logy: bool = False,
) -> Figure:
    """Histogram, with logarithmic bins when ``logx``.

    Parameters
    ----------
    values : pandas.Series or numpy.ndarray
        Positive values when ``logx``.
    title, xlabel, ylabel : str
        Title and axis labels.
    bins : int or numpy.ndarray, default 50
        Number of bins or their edges.
    logx, logy : bool, default False
        Logarithmic axes (``logx`` uses log-spaced bins).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    figure, axes = single_axes(title, xlabel, ylabel)
    data = np.asarray(values, dtype=float)
    if logx and isinstance(bins, int):
        bins = np.logspace(np.log10(max(data.min(), 1e-9)), np.log10(data.max()), bins)
    axes.hist(data, bins=bins, color="tab:blue", edgecolor="white", linewidth=0.3)
    if logx:
        axes.set_xscale("log")
    if logy:
        axes.set_yscale("log")
    return figure


def timeline(values: pd.Series, *, title: str, ylabel: str, xlabel: str = "month") -> Figure:
    """Line chart of a series indexed by time.

    Parameters
    ----------
    values : pandas.Series
        Values indexed by timestamps.
    title, ylabel, xlabel : str
        Title and axis labels.

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    figure, axes = single_axes(title, xlabel, ylabel)
    axes.plot(values.index, values.to_numpy(), marker="o", color="tab:blue")
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    figure.autofmt_xdate()
    return figure


def long_tail(counts: pd.Series, *, title: str, xlabel: str, ylabel: str) -> Figure:
    """Popularity curve: counts sorted in decreasing order on a logarithmic axis.

    Parameters
    ----------
    counts : pandas.Series
        One count per item (or customer).
    title, xlabel, ylabel : str
        Title and axis labels.

    Returns
    -------
    matplotlib.figure.Figure
        The chart, with the share of interactions held by the top 20 % marked.
    """
    figure, axes = single_axes(title, xlabel, ylabel)
    ordered = np.sort(counts.to_numpy())[::-1]
    ranks = np.arange(1, len(ordered) + 1)
    axes.plot(ranks, ordered, color="tab:blue")
    axes.set_yscale("log")
    head = max(1, round(0.2 * len(ordered)))
    share = ordered[:head].sum() / ordered.sum()
    axes.axvline(head, color="tab:red", linestyle="--", label=f"top 20 %: {share:.0%} of volume")
    axes.legend()
    return figure


def overview(frame: pd.DataFrame) -> dict[str, Figure]:
    """Draw the standard first look at a ratings or transactions frame.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical ratings (``rating`` column) or transactions (``invoice_id`` column).

    Returns
    -------
    dict of str to Figure
        ``distribution`` (ratings per star, or quantity per line), ``activity`` (rows per
        user or customer), ``popularity`` (long tail of items), ``monthly`` (ratings, or
        revenue, per month) and ``breakdown`` (top genres, or top countries by revenue).
    """
    from aftersales import columns as C
    from aftersales import datasets, segment

    retail = C.INVOICE in frame
    who = C.CUSTOMER if retail else C.USER
    noun = "transaction lines" if retail else "ratings"
    figures: dict[str, Figure] = {}
    if retail:
        quantity = frame[C.QUANTITY]
        figures["distribution"] = histogram(
            quantity[quantity > 0],
            title="Quantity per transaction line (positive quantities)",
            xlabel="quantity (units, log scale)",
            ylabel="lines",
            logx=True,
            logy=True,
        )
    else:
        figures["distribution"] = bars(
            frame[C.RATING].value_counts().sort_index(),
            title="Ratings per star value",
            xlabel="rating (stars)",
            ylabel="ratings",
        )
    figures["activity"] = histogram(
        frame.groupby(who).size(),
        title=f"Activity: {noun} per {who.replace('_id', '')}",
        xlabel=f"{noun} per {who.replace('_id', '')} (log scale)",
        ylabel=f"{who.replace('_id', '')}s",
        logx=True,
    )
    figures["popularity"] = long_tail(
        frame.groupby(C.ITEM).size(),
        title="Item popularity (long tail)",
        xlabel="item rank (most popular first)",
        ylabel=f"{noun} per item (log scale)",
    )
    if retail:
        lines = frame.assign(**{C.REVENUE: segment.revenue(frame)})
        figures["monthly"] = timeline(
            datasets.per_month(lines, value=C.REVENUE),
            title="Revenue per month (quantity x unit price)",
            ylabel="revenue (GBP)",
        )
        by_country = lines.groupby(C.COUNTRY)[C.REVENUE].sum().nlargest(10)
        figures["breakdown"] = bars(
            by_country,
            title="Top 10 countries by revenue",
            xlabel="revenue (GBP, log scale)",
            ylabel="country",
            horizontal=True,
            log=True,
        )
    else:
        figures["monthly"] = timeline(
            datasets.per_month(frame), title="Ratings per month", ylabel="ratings"
        )
        genres = frame[C.GENRES].str.split("|").explode().value_counts().head(10)
        figures["breakdown"] = bars(
            genres,
            title="Top 10 genres by number of ratings",
            xlabel="ratings",
            ylabel="genre",
            horizontal=True,
        )
    return figures


def audit(table: pd.DataFrame, *, title: str, unit: str) -> Figure:
    """Rows kept after each cleaning step, with the rows each step dropped.

    Parameters
    ----------
    table : pandas.DataFrame
        An audit table (``step``, ``rows_in``, ``rows_out``, ``dropped``).
    title : str
        Figure title.
    unit : str
        What a row is (for the axis label), e.g. ``"transaction lines"``.

    Returns
    -------
    matplotlib.figure.Figure
        Horizontal bars, first step on top, starting with the rows that came in.
    """
    from aftersales import columns as C

    labels = ["input", *table[C.STEP].tolist()]
    kept = np.array([table[C.ROWS_IN].iloc[0], *table[C.ROWS_OUT].to_numpy()], dtype=float)
    dropped = np.array([0, *table[C.DROPPED].to_numpy()], dtype=float)
    figure, axes = single_axes(title, f"{unit} kept", "step", size=(7.5, 0.45 * len(labels) + 1.2))
    positions = np.arange(len(labels))[::-1]
    axes.barh(positions, kept, color="tab:blue", label="kept")
    axes.barh(positions, dropped, left=kept, color="tab:red", label="dropped at this step")
    axes.set_yticks(positions, labels)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    for y, k, d in zip(positions, kept, dropped, strict=True):
        axes.annotate(
            f"{k:,.0f}" + (f"  (-{d:,.0f})" if d else ""),
            (k + d, y),
            va="center",
            xytext=(4, 0),
            textcoords="offset points",
            fontsize=8,
        )
    axes.set_xlim(0, kept[0] * 1.3)
    # Below the axes, so the legend never covers a bar's value label.
    figure.legend(loc="outside lower center", ncols=2, frameon=False)
    return figure
