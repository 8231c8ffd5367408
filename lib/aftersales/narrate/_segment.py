"""Findings of 03.00 (customer segmentation), worded from the run's tables."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from aftersales import columns as C
from aftersales import segment
from aftersales.errors import DataValidationError
from aftersales.narrate._format import num, paragraph, require, share, words


def largest_spenders(segmented: pd.DataFrame, transactions: pd.DataFrame) -> Markdown:
    """Describe the largest monetary value of 03.00 and the line (or order) with the most.

    Parameters
    ----------
    segmented : pandas.DataFrame
        One row per customer with ``monetary`` and ``frequency``, indexed or keyed by customer.
    transactions : pandas.DataFrame
        The cleaned lines: customer, and description, quantity and unit price; or, for an
        order-level export, invoice and revenue.

    Returns
    -------
    IPython.display.Markdown
        One paragraph: the largest monetary value, and the line with the most units with its
        share of that customer's revenue (for an order-level export: the largest order and
        its share); money to whole units.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing, a frame is empty, or the data holds no money.
    """
    require(segmented, (C.MONETARY, C.FREQUENCY), what="RFM table")
    require(transactions, (C.CUSTOMER,), what="transactions")
    if not segment.has_money(transactions):
        raise DataValidationError(
            f"transactions: no money (neither `{C.REVENUE}` nor `{C.QUANTITY}` and "
            f"`{C.UNIT_PRICE}`): there are no spenders to describe"
        )
    customers = segmented.set_index(C.CUSTOMER) if C.CUSTOMER in segmented else segmented
    top = customers[C.MONETARY].idxmax()
    revenue = pd.Series(segment.revenue(transactions), index=transactions.index)
    lines = all(c in transactions for c in (C.DESCRIPTION, C.QUANTITY, C.UNIT_PRICE))
    if lines:
        line = transactions.loc[transactions[C.QUANTITY].idxmax()]
        owner, value = line[C.CUSTOMER], revenue[line.name]
        what = (
            f"The largest single line is {int(line[C.QUANTITY]):,} units of {line[C.DESCRIPTION]}"
        )
    else:
        require(transactions, (C.INVOICE,), what="transactions")
        orders = revenue.groupby(transactions[C.INVOICE].to_numpy()).sum()
        invoice = orders.idxmax()
        value = orders[invoice]
        owner = transactions.loc[transactions[C.INVOICE] == invoice, C.CUSTOMER].iloc[0]
        what = f"The largest single order is {num(value, 0)}"
    owner_revenue = revenue[transactions[C.CUSTOMER] == owner].sum()
    first = (
        f"The largest monetary value is {num(customers.loc[top, C.MONETARY], 0)} over "
        f"{int(customers.loc[top, C.FREQUENCY]):,} invoices."
    )
    second = (
        f"{what}; it makes {share(value / owner_revenue)} of its customer's {num(owner_revenue, 0)}"
    )
    if owner in customers.index:
        second += f" (over {int(customers.loc[owner, C.FREQUENCY]):,} invoices)"
    return paragraph(first, second + ".")


def revenue_concentration(
    summary: pd.DataFrame, *, dormant: tuple[str, ...] = ("Hibernating", "Lost")
) -> Markdown:
    """How much more concentrated revenue is than customers across the segments of 03.00.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``segment.segment_summary``: segment, customer_share, revenue_share.
    dormant : tuple of str, default ("Hibernating", "Lost")
        Segments of customers who stopped buying, summed in the second sentence.

    Returns
    -------
    IPython.display.Markdown
        One paragraph; shares in whole percent.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or the table is empty.
    """
    require(summary, (C.SEGMENT, C.CUSTOMER_SHARE, C.REVENUE_SHARE), what="segment summary")
    ranked = summary.sort_values(C.REVENUE_SHARE, ascending=False, kind="stable")
    reach = int((ranked[C.REVENUE_SHARE].cumsum() < 0.5).sum()) + 1
    top = ranked.head(reach)
    sentences = [
        f"The {words(top[C.SEGMENT])}, {share(top[C.CUSTOMER_SHARE].sum())} of the customers, "
        f"hold {share(top[C.REVENUE_SHARE].sum())} of the revenue."
    ]
    asleep = summary[summary[C.SEGMENT].isin(dormant)]
    if len(asleep):
        sentences.append(
            f"{words(asleep[C.SEGMENT])} customers are {share(asleep[C.CUSTOMER_SHARE].sum())} "
            f"of the base with {share(asleep[C.REVENUE_SHARE].sum())} of the revenue."
        )
    return paragraph(*sentences)


def silhouette_findings(silhouette: pd.DataFrame, *, k: int) -> Markdown:
    """How the mean silhouette changes with the number of k-means clusters (03.00).

    Parameters
    ----------
    silhouette : pandas.DataFrame
        ``segment.choose_clusters(...).silhouette``: k, silhouette.
    k : int
        The chosen number of clusters.

    Returns
    -------
    IPython.display.Markdown
        One paragraph; silhouettes to 3 decimals.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or the table is empty.
    """
    require(silhouette, (C.K, C.SILHOUETTE), what="silhouette table")
    curve = silhouette.set_index(C.K)[C.SILHOUETTE].sort_index()
    best = curve.idxmax()
    text = f"The mean silhouette is highest at k = {best} ({num(curve[best])})"
    if len(curve) > 1:
        falling = bool((curve.diff().dropna() <= 0).all())
        how = "falls steadily" if falling else "ends"
        text += f" and {how} to {num(curve.iloc[-1])} at k = {curve.index[-1]}"
    text += f"; the clustering uses k = {k}."
    return paragraph(text)


def _parameter(parameters: pd.DataFrame, model: str, name: str) -> float:
    row = parameters[(parameters[C.MODEL] == model) & (parameters[C.PARAMETER] == name)]
    if row.empty:
        raise DataValidationError(f"model parameters: no {model} parameter {name!r}")
    return float(row[C.VALUE].iloc[0])


def dropout_findings(parameters: pd.DataFrame, customers: pd.DataFrame) -> Markdown:
    """Describe what BG/NBD's dropout parameters imply for the customers of 03.00.

    Parameters
    ----------
    parameters : pandas.DataFrame
        ``clv.model_parameters``: model, parameter, value, with BG/NBD's ``a`` and ``b``.
    customers : pandas.DataFrame
        The customer table with ``p_alive``.

    Returns
    -------
    IPython.display.Markdown
        One paragraph: the mean chance of dropping out after a purchase, a / (a + b), and the
        share of customers the model holds active.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column or parameter is missing.
    """
    require(parameters, (C.MODEL, C.PARAMETER, C.VALUE), what="model parameters")
    require(customers, (C.P_ALIVE,), what="customer table")
    a, b = _parameter(parameters, "BG/NBD", "a"), _parameter(parameters, "BG/NBD", "b")
    alive = float((customers[C.P_ALIVE] >= 0.9).mean())
    return paragraph(
        f"Fitted here, a / (a + b), the mean chance of dropping out after a purchase, is "
        f"{share(a / (a + b))}; the model gives {share(alive)} of the customers a probability of "
        f"at least 0.9 of still being active, so purchase rate and spend drive the lifetime value"
        f"{'' if alive >= 0.5 else ' less than the chance of being active'}."
    )


def holdout_findings(holdout: pd.DataFrame) -> Markdown:
    """How BG/NBD's holdout forecast of 03.00 compares with what customers did.

    Parameters
    ----------
    holdout : pandas.DataFrame
        ``clv.holdout_summary``: metric, value, with predicted_purchases, actual_purchases,
        relative_error, mae and baseline_mae.

    Returns
    -------
    IPython.display.Markdown
        One paragraph; totals to whole purchases, errors to 3 decimals.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column or metric is missing.
    """
    require(holdout, (C.METRIC, C.VALUE), what="holdout summary")
    values = holdout.set_index(C.METRIC)[C.VALUE]
    needed = ["predicted_purchases", "actual_purchases", "relative_error", "mae", "baseline_mae"]
    missing = [m for m in needed if m not in values.index]
    if missing:
        raise DataValidationError(f"holdout summary: no {missing}")
    error = values["relative_error"]
    direction = "too few" if error < 0 else "too many"
    than = "better" if values["mae"] < values["baseline_mae"] else "worse"
    return paragraph(
        f"Over the holdout the model forecasts {values['predicted_purchases']:,.0f} purchase days "
        f"in total against {values['actual_purchases']:,.0f} made: {share(abs(error))} "
        f"{direction}.",
        f"Per customer its mean absolute error is {num(values['mae'])}, {than} than the naive "
        f"baseline's {num(values['baseline_mae'])}.",
    )
