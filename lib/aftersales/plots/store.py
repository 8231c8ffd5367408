"""Figures of the customer store (notebook 03.02): one customer's history."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from aftersales import columns as C
from aftersales import validate
from aftersales.plots._base import label_axes, new_figure, twin_y


def history_timeline(orders: pd.DataFrame, *, currency: str = "GBP") -> Figure:
    """Draw one customer's orders over time: revenue per invoice, cancellations below zero.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``C.TIMESTAMP``, ``C.REVENUE`` and ``C.CANCELLED`` per invoice
        (:func:`aftersales.store.history`).
    currency : str, default "GBP"
        Unit of the revenue axis.

    Returns
    -------
    matplotlib.figure.Figure
        A bar per invoice (purchases and cancellations in two colours) and the cumulative
        net revenue on a second axis.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    validate.require_columns(orders, (C.TIMESTAMP, C.REVENUE, C.CANCELLED), source="orders")
    ordered = orders.sort_values(C.TIMESTAMP, kind="stable")
    figure = new_figure((9.0, 3.6), layout=None)
    axes = label_axes(
        figure.subplots(),
        "One customer's orders over time",
        "invoice date (UTC)",
        f"revenue per invoice ({currency})",
        grid=False,
    )
    cancelled = ordered[C.CANCELLED].to_numpy(dtype=bool)
    kinds = ((~cancelled, "#4393c3", "order"), (cancelled, "#d73027", "cancellation"))
    for mask, colour, label in kinds:
        part = ordered[mask]
        axes.bar(part[C.TIMESTAMP], part[C.REVENUE], width=2.0, color=colour, label=label)
    twin = twin_y(axes, f"cumulative net revenue ({currency})")
    twin.plot(ordered[C.TIMESTAMP], ordered[C.REVENUE].cumsum(), color="#333333", lw=1.2)
    axes.axhline(0, color="#999999", lw=0.8)
    axes.legend(loc="upper left", frameon=False)
    figure.autofmt_xdate()
    return figure
